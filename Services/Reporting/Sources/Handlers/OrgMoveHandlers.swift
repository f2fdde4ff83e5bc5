import KitHTTP
import ServiceKit

/// `POST /internal/org-moves {orgId}` (identity's outbox, `OrgMoveReceiver`): the
/// organisation's rows take identity's current path for it.
struct OrgMoveHandlers: Sendable {
    let context: ServiceContext

    struct Answer: Encodable, Sendable {
        var applied: Bool
        var scopePath: String?
        var moved: [String: Int]
    }

    func move(_ req: Request) throws -> Response {
        try OrgMoveReceiver.receive(context, req, replayed: { Answer(applied: false, scopePath: $0, moved: [:]) }) { conn, orgID, path in
            Answer(applied: true, scopePath: path, moved: try OrgMoveStore.move(conn, orgID: orgID, to: path))
        }
    }
}
