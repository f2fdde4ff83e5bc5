import Foundation
import KitPostgres

/// The outbox row of a request's outcome (for operators and the delivery test).
enum DeliveryStore {
    static func find(_ conn: PGConnection, key: String) throws -> DeliveryView? {
        try conn.query("""
            SELECT idempotency_key, target, path, attempts, last_error, created_at, delivered_at, failed_at
            FROM outbox WHERE idempotency_key = $1
            """, [key]).first.map { row in
            let status = row.optionalString("delivered_at") != nil ? "delivered"
                : (row.optionalString("failed_at") != nil ? "failed" : "pending")
            return DeliveryView(key: try row.string("idempotency_key"), target: try row.string("target"),
                                path: try row.string("path"), status: status, attempts: try row.int("attempts"),
                                lastError: row.optionalString("last_error"), createdAt: try row.date("created_at"),
                                deliveredAt: try row.optionalDate("delivered_at"))
        }
    }
}
