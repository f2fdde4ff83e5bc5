import KitHTTP
import ServiceKit

/// `POST /internal/org-moves {orgId}` (identity's outbox, `OrgMoveReceiver`): requests pending
/// about the organisation take identity's current path for it (`OrgMove`).
struct OrgMoveHandlers: Sendable {
    let context: ServiceContext

    struct Answer: Encodable, Sendable {
        var applied: Bool
        var scopePath: String
        var requests: Int
        var restartedStages: Int
    }

    func move(_ req: Request) throws -> Response {
        try OrgMoveReceiver.receive(context, req, replayed: { Answer(applied: false, scopePath: $0, requests: 0, restartedStages: 0) }) {
            conn, orgID, path in
            let moved = try OrgMove.apply(conn, orgID: orgID, orgPath: path)
            if !moved.skipped.isEmpty {
                context.logger.warning("org move: requests left on their old path", ["org": orgID, "requests": moved.skipped.joined(separator: ",")])
            }
            return Answer(applied: true, scopePath: path, requests: moved.requests, restartedStages: moved.restartedStages)
        }
    }
}
