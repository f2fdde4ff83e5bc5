import Foundation
import KitHTTP
import KitPostgres
import ServiceKit

/// Sealing: on submission identity seals an application's object; from then on its files are
/// kept (no deletion) and replacing one adds a version.
extension DocumentStore {
    struct SealResult: Encodable, Sendable {
        var object: String
        var sealedAt: Date
        /// Versions sealed by this call (0 when everything was sealed already).
        var sealedFiles: Int
        var sealCount: Int
    }

    /// Seals the object's files. With an idempotency key (outbox delivery), a key seen before
    /// changes nothing: a late redelivery must not seal files added after that submission.
    func seal(_ object: ObjectRef, actor: String, idempotencyKey: String?, request: Request) throws -> SealResult {
        try db.transaction { conn in
            try conn.query("INSERT INTO objects (key, type, ref) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                           [object.key, object.type.rawValue, object.id])
            if let key = idempotencyKey, !(try Outbox.firstDelivery(conn, key: key)) {
                let row = try conn.query("SELECT coalesce(sealed_at, now()) AS sealed_at, seal_count FROM objects WHERE key = $1",
                                         [object.key]).first!
                return SealResult(object: object.key, sealedAt: try row.date("sealed_at"), sealedFiles: 0,
                                  sealCount: try row.int("seal_count"))
            }
            let row = try conn.query("""
                UPDATE objects SET sealed_at = now(), seal_count = seal_count + 1 WHERE key = $1
                RETURNING sealed_at, seal_count
                """, [object.key]).first!
            let sealed = try conn.query("""
                UPDATE document_versions v SET sealed = true, sealed_at = now()
                FROM documents d
                WHERE d.id = v.document_id AND d.object_key = $1 AND d.deleted_at IS NULL AND NOT v.sealed
                """, [object.key]).affectedRows
            let result = SealResult(object: object.key, sealedAt: try row.date("sealed_at"), sealedFiles: sealed,
                                    sealCount: try row.int("seal_count"))
            try Audit.record(conn, AuditEntry(actorID: actor, action: "object.seal", objectType: "object", objectID: object.key,
                                              newValue: Audit.json(result), request: request))
            return result
        }
    }
}
