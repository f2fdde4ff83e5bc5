import Foundation
import KitClient
import KitCore
import KitPostgres
import Models

/// Delivers due outbox rows: claims a batch with a lease (FOR UPDATE SKIP LOCKED, so replicas
/// share the work), POSTs each with its idempotency key and the internal token, marks it
/// delivered on 2xx (keeping the answer's body), gives up on other 4xx, and retries the rest with exponential backoff.
public enum OutboxDeliverer {
    public static func task(_ context: ServiceContext) -> BackgroundTask {
        BackgroundTask(name: "\(context.settings.name.rawValue)-outbox", interval: Env.double("OUTBOX_INTERVAL", 0.5)) {
            (try? deliverBatch(context)) ?? false
        }
    }

    struct Item { let id: String; let target: String; let path: String; let body: String; let key: String; let attempts: Int }

    /// Delivers one batch; true when the batch was full (more may be due).
    @discardableResult
    public static func deliverBatch(_ context: ServiceContext, limit: Int = 20) throws -> Bool {
        let db = context.database
        let rows = try db.query("""
            UPDATE outbox SET next_attempt_at = now() + interval '30 seconds', attempts = attempts + 1
            WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id::text, target, path, body, idempotency_key, attempts
            """, [limit]).rows
        for row in rows {
            let item = Item(id: try row.string("id"), target: try row.string("target"), path: try row.string("path"),
                            body: try row.string("body"), key: try row.string("idempotency_key"), attempts: try row.int("attempts"))
            deliver(item, context)
        }
        return rows.count == limit
    }

    static func deliver(_ item: Item, _ context: ServiceContext) {
        let db = context.database
        guard let target = ServiceName(rawValue: item.target) else {
            _ = try? db.query("UPDATE outbox SET failed_at = now(), last_error = $2 WHERE id = $1::uuid", [item.id, "unknown target"])
            return
        }
        let request = ClientRequest(method: "POST", url: context.settings.url(of: target) + item.path,
                                    headers: [("Content-Type", "application/json")] + context.internalHeaders,
                                    body: Array(item.body.utf8), idempotencyKey: item.key)
        do {
            let response = try context.http.sendOnce(request)
            if (200..<300).contains(response.status) {
                // The receiver's answer is kept (first 4 KB): e.g. the id of the request approval opened.
                let answer = String(decoding: response.body.prefix(4096), as: UTF8.self)
                _ = try? db.query("UPDATE outbox SET delivered_at = now(), last_error = NULL, response = $2 WHERE id = $1::uuid",
                                  [item.id, answer])
                return
            }
            // The receiver's error envelope (codes and Chinese messages, no secrets) says why.
            let detail = "HTTP \(response.status) " + String(decoding: response.body.prefix(300), as: UTF8.self)
            if (400..<500).contains(response.status) && response.status != 408 && response.status != 429 && response.status != 404 {
                context.logger.error("outbox delivery refused", ["id": item.id, "target": item.target, "status": String(response.status)])
                _ = try? db.query("UPDATE outbox SET failed_at = now(), last_error = $2 WHERE id = $1::uuid", [item.id, detail])
                return
            }
            retryLater(item, detail, db)
        } catch {
            retryLater(item, String(describing: error), db)
        }
    }

    static func retryLater(_ item: Item, _ error: String, _ db: PGPool) {
        let delay = min(300.0, 0.5 * pow(2.0, Double(min(item.attempts, 10))))
        _ = try? db.query("UPDATE outbox SET next_attempt_at = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1::uuid",
                          [item.id, delay, String(error.prefix(500))])
    }
}
