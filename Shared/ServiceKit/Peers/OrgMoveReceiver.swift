import KitCore
import KitHTTP
import KitPostgres
import Models

/// The receiving end of identity's org-move message (`POST /internal/org-moves {orgId}`,
/// docs/accounts.md "Region change"), the same in every service that keeps copies of an
/// organisation's path: internal token (403), a valid organisation id (422), identity's current
/// path for it (`PeerLookups.organisationPath`: a retried or late message ends at the same
/// path), then the service's own rows in one transaction with the message's idempotency key —
/// a key seen before is answered with `replayed` and touches nothing.
public enum OrgMoveReceiver {
    struct Message: Decodable, Sendable { var orgId: String }

    public static func receive<T: Encodable>(_ context: ServiceContext, _ req: Request, replayed: (String) -> T,
                                             apply: (PGConnection, _ orgID: String, _ path: String) throws -> T) throws -> Response {
        try context.requireInternal(req)
        let body = try req.decode(Message.self)
        guard ID.isValid(body.orgId) else { throw APIError.invalid("orgId", "机构编号格式错误") }
        let orgID = body.orgId.lowercased()
        let path = try PeerLookups.organisationPath(context, orgID: orgID)
        let answer = try context.database.transaction { conn -> T in
            if let key = try Outbox.deliveryKey(req), !(try Outbox.firstDelivery(conn, key: key)) { return replayed(path) }
            return try apply(conn, orgID, path)
        }
        return .json(answer)
    }
}
