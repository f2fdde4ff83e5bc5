import Foundation
import KitCore
import KitPostgres

/// Outgoing SMS and e-mail, queued in the transaction that causes them and sent by
/// `MessageSender`. The dev inbox reads the same table.
struct MessageStore: Sendable {
    let app: IdentityApp

    static func enqueue(_ conn: PGConnection, channel: String, to recipient: String, subject: String? = nil, body: String) throws {
        try conn.query("INSERT INTO messages (id, channel, recipient, subject, body) VALUES ($1::uuid, $2, $3, $4, $5)",
                       [ID.new(), channel, recipient, subject, body])
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
}
