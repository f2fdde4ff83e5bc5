import Foundation
import KitCore
import KitPostgres

struct NoticeRow: Codable, Sendable {
    let id: String
    let scopePath: String
    let title: String
    let bodyHtml: String
    let authorName: String
    let authorRole: String
    let createdAt: Date
    let withdrawnAt: Date?
    let read: Bool?
    /// How many have marked it read (the publisher's list only).
    var readers: Int? = nil
}

/// Notices and their read marks. Who sees a notice is decided here in SQL: a reader sees it
/// when one of his grants' scope paths equals the notice's scope or lies under it; a publisher
/// manages notices whose scope lies in one of his publishing scopes.
enum NoticeStore {
    private static let columns = """
        n.id::text AS id, n.scope_path, n.title, n.body_html, n.author_name, n.author_role, n.created_at, n.withdrawn_at
        """
    /// $1: the reader's scope paths.
    private static let visible = """
        n.withdrawn_at IS NULL AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS s(p)
                                           WHERE s.p = n.scope_path OR starts_with(s.p, n.scope_path || '/'))
        """
    /// $1: the publisher's scope paths.
    private static let managed = """
        EXISTS (SELECT 1 FROM unnest($1::text[]) AS s(p) WHERE n.scope_path = s.p OR starts_with(n.scope_path, s.p || '/'))
        """

    static func row(_ r: PGRow, withRead: Bool) throws -> NoticeRow {
        NoticeRow(id: try r.string("id"), scopePath: try r.string("scope_path"), title: try r.string("title"),
                  bodyHtml: try r.string("body_html"), authorName: try r.string("author_name"),
                  authorRole: try r.string("author_role"), createdAt: try r.date("created_at"),
                  withdrawnAt: try r.optionalDate("withdrawn_at"), read: withRead ? try r.bool("read") : nil)
    }

    static func insert(_ conn: PGConnection, scopePath: String, title: String, bodyHtml: String, authorID: String,
                       authorName: String, authorRole: String, authorOrg: String) throws -> NoticeRow {
        guard let r = try conn.query("""
            INSERT INTO notices AS n (id, scope_path, title, body_html, author_id, author_name, author_role, author_org)
            VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8) RETURNING \(columns)
            """, [ID.new(), scopePath, title, bodyHtml, authorID, authorName, authorRole, authorOrg]).first else {
            throw PGError(kind: .decode, message: "no row")
        }
        return try row(r, withRead: false)
    }

    /// The reader's notices, newest first, with his read marks.
    static func forReader(_ conn: PGConnection, scopes: [String], userID: String, after: String?, limit: Int) throws -> [NoticeRow] {
        try conn.query("""
            SELECT \(columns), EXISTS (SELECT 1 FROM notice_reads m WHERE m.notice_id = n.id AND m.user_id = $2) AS read
            FROM notices n WHERE \(visible) AND ($3::uuid IS NULL OR n.id < $3::uuid)
            ORDER BY n.id DESC LIMIT $4
            """, [scopes, userID, after, limit + 1]).rows.map { try row($0, withRead: true) }
    }

    static func unread(_ conn: PGConnection, scopes: [String], userID: String) throws -> Int {
        try conn.query("""
            SELECT count(*)::int AS n FROM notices n
            WHERE \(visible) AND NOT EXISTS (SELECT 1 FROM notice_reads m WHERE m.notice_id = n.id AND m.user_id = $2)
            """, [scopes, userID]).first!.int("n")
    }

    static func visibleOne(_ conn: PGConnection, scopes: [String], userID: String, id: String) throws -> NoticeRow? {
        try conn.query("""
            SELECT \(columns), EXISTS (SELECT 1 FROM notice_reads m WHERE m.notice_id = n.id AND m.user_id = $2) AS read
            FROM notices n WHERE \(visible) AND n.id = $3::uuid
            """, [scopes, userID, id]).first.map { try row($0, withRead: true) }
    }

    /// Marks a notice read when the reader sees it; false when he does not (nothing written).
    static func markRead(_ conn: PGConnection, scopes: [String], userID: String, id: String) throws -> Bool {
        let r = try conn.query("""
            WITH target AS (SELECT n.id FROM notices n WHERE \(visible) AND n.id = $3::uuid)
            INSERT INTO notice_reads (notice_id, user_id) SELECT id, $2 FROM target
            ON CONFLICT (user_id, notice_id) DO NOTHING
            RETURNING notice_id
            """, [scopes, userID, id])
        if !r.rows.isEmpty { return true }
        return try conn.query("SELECT 1 FROM notices n WHERE \(visible) AND n.id = $2::uuid", [scopes, id]).first != nil
    }

    /// What a publisher manages: notices within his publishing scopes, withdrawn ones included,
    /// each with how many of the scope's readers marked it read (in the same query).
    static func managed(_ conn: PGConnection, scopes: [String], after: String?, limit: Int) throws -> [NoticeRow] {
        try conn.query("""
            SELECT \(columns), (SELECT count(*)::int FROM notice_reads m WHERE m.notice_id = n.id) AS readers FROM notices n WHERE \(managed) AND ($2::uuid IS NULL OR n.id < $2::uuid)
            ORDER BY n.id DESC LIMIT $3
            """, [scopes, after, limit + 1]).rows.map { r in
            var n = try row(r, withRead: false)
            n.readers = try r.int("readers")
            return n
        }
    }

    /// Withdraws a notice within the publisher's scopes; false when there is none.
    static func withdraw(_ conn: PGConnection, scopes: [String], id: String) throws -> Bool {
        !(try conn.query("""
            UPDATE notices n SET withdrawn_at = coalesce(n.withdrawn_at, now()) WHERE \(managed) AND n.id = $2::uuid RETURNING n.id
            """, [scopes, id]).rows.isEmpty)
    }
}
