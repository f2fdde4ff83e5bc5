import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models

/// Effects on other services, written in the transaction of the change that causes them and
/// delivered afterwards by `OutboxDeliverer` with retries and an idempotency key.
public enum Outbox {
    /// Queues a POST of `body` to `target`'s `path`. `key` identifies the effect: the same key
    /// is queued once and applied once by the receiver.
    public static func enqueue<B: Encodable>(_ conn: PGConnection, target: ServiceName, path: String, body: B, key: String) throws {
        let json = String(decoding: try JSON.encode(body), as: UTF8.self)
        try conn.query("""
            INSERT INTO outbox (id, target, path, body, idempotency_key) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, [ID.new(), target.rawValue, path, json, key])
    }

    /// Receiver side: a delivery's Idempotency-Key (the outbox's key of the effect): nil when
    /// absent or blank, 400 when longer than 200 bytes.
    public static func deliveryKey(_ request: Request) throws -> String? {
        guard let key = request.headers["idempotency-key"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { return nil }
        if key.utf8.count > 200 { throw APIError.badRequest("Idempotency-Key 过长", code: "invalid_idempotency_key") }
        return key
    }

    /// Receiver side: records `key` in the current transaction; false when it was seen before
    /// (the effect was already applied and must not be applied again).
    public static func firstDelivery(_ conn: PGConnection, key: String) throws -> Bool {
        let r = try conn.query("INSERT INTO processed_keys (key) VALUES ($1) ON CONFLICT DO NOTHING", [key])
        return r.affectedRows == 1
    }
}
