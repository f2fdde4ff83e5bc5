import Foundation
import KitCore
import KitPostgres

struct FeedbackRow: Codable, Sendable {
    let id: String
    let userName: String
    let category: String
    let content: String
    let contact: String?
    let organisation: String?
    let status: String
    let reply: String?
    let repliedByName: String?
    let repliedAt: Date?
    let createdAt: Date
    let updatedAt: Date
}

/// 反馈: the sender's own items, and the operators' list.
enum NoticeFeedbackStore {
    private static let columns = """
        id::text AS id, user_name, category, content, contact, organisation, status, reply, replied_by_name, replied_at,
        created_at, updated_at
        """

    static func row(_ r: PGRow) throws -> FeedbackRow {
        FeedbackRow(id: try r.string("id"), userName: try r.string("user_name"), category: try r.string("category"),
                    content: try r.string("content"), contact: r.optionalString("contact"),
                    organisation: r.optionalString("organisation"), status: try r.string("status"),
                    reply: r.optionalString("reply"), repliedByName: r.optionalString("replied_by_name"),
                    repliedAt: try r.optionalDate("replied_at"), createdAt: try r.date("created_at"),
                    updatedAt: try r.date("updated_at"))
    }

    static func insert(_ conn: PGConnection, userID: String, userName: String, category: String, content: String,
                       contact: String?, organisation: String?) throws -> FeedbackRow {
        guard let r = try conn.query("""
            INSERT INTO feedback (id, user_id, user_name, category, content, contact, organisation)
            VALUES ($1::uuid, $2, $3, $4, $5, $6, $7) RETURNING \(columns)
            """, [ID.new(), userID, userName, category, content, contact, organisation]).first else {
            throw PGError(kind: .decode, message: "no row")
        }
        return try row(r)
    }

    static func mine(_ conn: PGConnection, userID: String, after: String?, limit: Int) throws -> [FeedbackRow] {
        try conn.query("""
            SELECT \(columns) FROM feedback WHERE user_id = $1 AND ($2::uuid IS NULL OR id < $2::uuid) ORDER BY id DESC LIMIT $3
            """, [userID, after, limit + 1]).rows.map(row)
    }

    static func all(_ conn: PGConnection, status: String?, after: String?, limit: Int) throws -> [FeedbackRow] {
        try conn.query("""
            SELECT \(columns) FROM feedback WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR id < $2::uuid)
            ORDER BY id DESC LIMIT $3
            """, [status, after, limit + 1]).rows.map(row)
    }

    static func update(_ conn: PGConnection, id: String, status: String, reply: String?, byID: String, byName: String) throws -> FeedbackRow? {
        try conn.query("""
            UPDATE feedback SET status = $2,
                reply = coalesce($3, reply),
                replied_by = CASE WHEN $3::text IS NULL THEN replied_by ELSE $4 END,
                replied_by_name = CASE WHEN $3::text IS NULL THEN replied_by_name ELSE $5 END,
                replied_at = CASE WHEN $3::text IS NULL THEN replied_at ELSE now() END,
                updated_at = now()
            WHERE id = $1::uuid RETURNING \(columns)
            """, [id, status, reply, byID, byName]).first.map(row)
    }
}
