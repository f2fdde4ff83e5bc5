import Foundation
import KitCore
import KitPostgres

/// Outgoing SMS and e-mail, queued in the transaction that causes them and sent by
/// `MessageSender`. The dev inbox reads the same table.
struct MessageStore: Sendable {
    let app: IdentityApp

    /// Queues one message. With an idempotency `key` its id is derived from the key, channel and
    /// recipient, so the same delivery repeated queues nothing new; false then.
    @discardableResult
    static func enqueue(_ conn: PGConnection, channel: String, to recipient: String, subject: String? = nil, body: String,
                        key: String? = nil) throws -> Bool {
        try !conn.query("""
            INSERT INTO messages (id, channel, recipient, subject, body)
            VALUES (COALESCE(md5($6 || '|' || $2 || '|' || $3)::uuid, $1::uuid), $2, $3, $4, $5)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, [ID.new(), channel, recipient, subject, body, key]).rows.isEmpty
    }

    struct Message: Codable, Sendable {
        let id: String
        let channel: String
        let recipient: String
        let subject: String?
        let body: String
        let status: String
        let createdAt: Date
    }

    /// Newest first; `recipient` filters (phone or e-mail).
    func recent(recipient: String?, limit: Int) throws -> [Message] {
        try app.db.query("""
            SELECT id::text, channel, recipient, subject, body, status, created_at FROM messages
            WHERE ($1::text IS NULL OR recipient = $1) ORDER BY created_at DESC LIMIT $2
            """, [recipient, limit]).rows.map {
                Message(id: try $0.string("id"), channel: try $0.string("channel"), recipient: try $0.string("recipient"),
                        subject: $0.optionalString("subject"), body: try $0.string("body"), status: try $0.string("status"),
                        createdAt: try $0.date("created_at"))
            }
    }

    /// The sender's side of the queue (`MessageSender`).
    struct Outgoing: Sendable {
        let db: PGPool

        struct Item { let id: String; let channel: String; let recipient: String; let subject: String?; let body: String; let attempts: Int }

        /// Claims due messages with a lease (replicas share the work).
        func claim(limit: Int) throws -> [Item] {
            try db.query("""
                UPDATE messages SET attempts = attempts + 1, next_attempt_at = now() + interval '60 seconds'
                WHERE id IN (SELECT id FROM messages WHERE status = 'pending' AND next_attempt_at <= now()
                             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
                RETURNING id::text, channel, recipient, subject, body, attempts
                """, [limit]).rows.map {
                    Item(id: try $0.string("id"), channel: try $0.string("channel"), recipient: try $0.string("recipient"),
                         subject: $0.optionalString("subject"), body: try $0.string("body"), attempts: try $0.int("attempts"))
                }
        }

        func sent(id: String, keepBody: Bool) throws {
            try db.query("""
                UPDATE messages SET status = 'sent', sent_at = now(), last_error = NULL,
                body = CASE WHEN $2 THEN body ELSE '[已发送]' END WHERE id = $1::uuid
                """, [id, keepBody])
        }

        /// The last attempt failed: the text (codes, passwords) is dropped outside dev mode.
        func failed(id: String, error: String, keepBody: Bool) throws {
            try db.query("""
                UPDATE messages SET status = 'failed', last_error = $2,
                body = CASE WHEN $3 THEN body ELSE '[发送失败]' END WHERE id = $1::uuid
                """, [id, error, keepBody])
        }

        func retry(id: String, error: String, afterSeconds: Double) throws {
            try db.query("""
                UPDATE messages SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1::uuid
                """, [id, error, afterSeconds])
        }
    }
}
