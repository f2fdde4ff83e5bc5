import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// An institution's region changed (变更资料 approved, docs/accounts.md): identity's own paths
/// change in the approval's transaction (`OrgChangeStore.apply`); reporting (enrolments,
/// reports, registry years, cases, imports, reminders, statistics), documents (folder and
/// document owner paths) and approval (requests still pending about it) are told through the
/// outbox, in the same transaction, one message per
/// service, keyed by the change (`org-move:<change id>:<service>`). The message names the
/// organisation only: each receiver asks identity for the organisation's path at delivery
/// (`GET /internal/organisations/:id`), so retried or reordered messages all end at identity's
/// current path, and applying one twice changes nothing.
enum OrgMoves {
    struct Message: Codable, Sendable {
        var orgId: String
        /// The path identity gave the organisation with this change (informative: receivers
        /// use identity's current path).
        var scopePath: String
    }

    static let targets: [(ServiceName, String)] = [
        (.reporting, "/api/reporting/v1/internal/org-moves"),
        (.documents, "/api/documents/v1/internal/org-moves"),
        (.approval, "/api/approval/v1/internal/org-moves"),
    ]

    static func enqueue(_ conn: PGConnection, orgID: String, scopePath: String, changeID: String) throws {
        for (target, path) in targets {
            try Outbox.enqueue(conn, target: target, path: path, body: Message(orgId: orgID, scopePath: scopePath),
                               key: "org-move:\(changeID):\(target.rawValue)")
        }
    }
}

/// `GET /internal/organisations/:id` (internal token): one organisation's kind and current path,
/// what the receivers of an org move apply.
struct OrganisationPathHandlers: Sendable {
    let app: IdentityApp

    struct Shown: Encodable { var id: String; var kind: String; var scopePath: String; var regionCode: String? }

    func get(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let id = try req.parameter("id")
        guard ID.isValid(id), let org = try OrganisationStore(app: app).get(id: id) else { throw APIError.notFound }
        return .json(Shown(id: org.id, kind: org.kind, scopePath: org.scopePath, regionCode: org.regionCode))
    }
}
