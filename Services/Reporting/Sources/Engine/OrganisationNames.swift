import Foundation
import KitClient
import ServiceKit

/// Institutions' names, which reporting does not keep: identity's directory answers them by id
/// (`POST /api/identity/v1/internal/organisations/names`, at most 5,000 ids) for the statistics,
/// the participants of a program and the registry years.
enum OrganisationNames {
    /// id → name of these institutions ([:] when identity does not answer: the lists still name
    /// the organisation ids).
    static func of(_ context: ServiceContext, ids: [String]) -> [String: String] {
        struct Query: Encodable { let ids: [String] }
        struct Org: Decodable { let id: String; let name: String }
        struct Page: Decodable { let items: [Org] }
        guard !ids.isEmpty else { return [:] }
        let url = "\(context.settings.identityURL)/api/identity/v1/internal/organisations/names"
        guard let page = try? context.http.postJSON(url, body: Query(ids: Array(Set(ids))), headers: context.internalHeaders,
                                                    as: Page.self) else { return [:] }
        return Dictionary(page.items.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// One institution's name (nil when identity does not answer or does not know it).
    static func name(_ context: ServiceContext, orgID: String) -> String? {
        of(context, ids: [orgID])[orgID]
    }
}
