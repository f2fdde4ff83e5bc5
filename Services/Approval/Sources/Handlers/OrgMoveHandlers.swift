import KitCore
import KitHTTP
import Models
import ServiceKit

/// `POST /internal/org-moves {orgId}` (internal token, identity's outbox with an idempotency
/// key): requests pending about the organisation take identity's current path for it
/// (`OrgMove`). Identity is asked at delivery, so a retried or late message ends at the same
/// path; a repeated key is answered without touching anything.
struct OrgMoveHandlers: Sendable {
    let context: ServiceContext

    struct Message: Decodable, Sendable { var orgId: String }

    struct Answer: Encodable, Sendable {
        var applied: Bool
        var scopePath: String
        var requests: Int
        var restartedStages: Int
    }

    func move(_ req: Request) throws -> Response {
        try context.requireInternal(req)
        let body = try req.decode(Message.self)
        guard ID.isValid(body.orgId) else { throw APIError.invalid("orgId", "机构编号格式错误") }
        let orgID = body.orgId.lowercased()
        let path = try PeerLookups.organisationPath(context, orgID: orgID)
        let answer = try context.database.transaction { conn -> Answer in
            if let key = req.headers["idempotency-key"], !(try Outbox.firstDelivery(conn, key: key)) {
                return Answer(applied: false, scopePath: path, requests: 0, restartedStages: 0)
            }
            let moved = try OrgMove.apply(conn, orgID: orgID, orgPath: path)
            return Answer(applied: true, scopePath: path, requests: moved.requests, restartedStages: moved.restartedStages)
        }
        return .json(answer)
    }
}
