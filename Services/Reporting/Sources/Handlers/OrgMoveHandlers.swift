import Foundation
import KitClient
import KitCore
import KitHTTP
import Models
import ServiceKit

/// `POST /internal/org-moves {orgId}` (internal token, identity's outbox with an idempotency
/// key): the organisation's rows take identity's current path for it. Identity is asked at
/// delivery (`GET /internal/organisations/:id`), so a retried or late message ends at the same
/// path; a repeated key is answered without touching anything.
struct OrgMoveHandlers: Sendable {
    let context: ServiceContext

    struct Message: Decodable, Sendable { var orgId: String }

    struct Answer: Encodable, Sendable {
        var applied: Bool
        var scopePath: String?
        var moved: [String: Int]
    }

    func move(_ req: Request) throws -> Response {
        try context.requireInternal(req)
        let body = try req.decode(Message.self)
        guard ID.isValid(body.orgId) else { throw APIError.invalid("orgId", "机构编号格式错误") }
        let orgID = body.orgId.lowercased()
        let path = try PeerLookups.organisationPath(context, orgID: orgID)
        let answer = try context.database.transaction { conn -> Answer in
            if let key = req.headers["idempotency-key"], !(try Outbox.firstDelivery(conn, key: key)) {
                return Answer(applied: false, scopePath: path, moved: [:])
            }
            return Answer(applied: true, scopePath: path, moved: try OrgMoveStore.move(conn, orgID: orgID, to: path))
        }
        return .json(answer)
    }
}
