import Foundation
import KitCore
import KitPostgres

/// A request reporting opened in approval for a report (review of a submission, or 申请修改).
struct ReviewRecord: Sendable {
    let id: String
    let reportID: String
    let kind: String
    let seq: Int
    let subjectID: String
    let requestID: String?
    let status: String
    let reason: String?
    let opinion: String?
    let openedBy: String
    let openedByName: String
    let openedAt: Date
    let decidedAt: Date?
}

/// The review and modification requests of reports.
enum ReviewStore {
    private static let columns = """
        id::text AS id, report_id::text AS report_id, kind, seq, subject_id, request_id, status, reason, opinion,
        opened_by, opened_by_name, opened_at, decided_at
        """

    /// Opens the next request of `kind` for the report; its subject id names the opening.
    static func open(_ conn: PGConnection, reportID: String, kind: String, reason: String?, by: String,
                     byName: String) throws -> ReviewRecord {
        let seq = try conn.query("SELECT coalesce(max(seq), 0) + 1 AS next FROM review_requests WHERE report_id = $1::uuid AND kind = $2",
                                 [reportID, kind]).first!.int("next")
        let subject = "\(reportID):\(kind == "review" ? "r" : "m")\(seq)"
        guard let row = try conn.query("""
            INSERT INTO review_requests (id, report_id, kind, seq, subject_id, reason, opened_by, opened_by_name)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8) RETURNING \(columns)
            """, [ID.new(), reportID, kind, seq, subject, reason, by, byName]).first else { throw PGError(kind: .decode, message: "no row") }
        return try record(row)
    }

    static func bySubject(_ conn: PGConnection, subjectID: String, lock: Bool = false) throws -> ReviewRecord? {
        try conn.query("SELECT \(columns) FROM review_requests WHERE subject_id = $1" + (lock ? " FOR UPDATE" : ""),
                       [subjectID]).first.map(record)
    }

    /// The latest request of `kind` of the report.
    static func latest(_ conn: PGConnection, reportID: String, kind: String) throws -> ReviewRecord? {
        try conn.query("""
            SELECT \(columns) FROM review_requests WHERE report_id = $1::uuid AND kind = $2 ORDER BY seq DESC LIMIT 1
            """, [reportID, kind]).first.map(record)
    }

    static func bindRequest(_ conn: PGConnection, id: String, requestID: String) throws {
        try conn.query("UPDATE review_requests SET request_id = $2 WHERE id = $1::uuid AND request_id IS NULL", [id, requestID])
    }

    static func decide(_ conn: PGConnection, id: String, status: String, opinion: String?, by: String?) throws {
        try conn.query("""
            UPDATE review_requests SET status = $2, opinion = $3, decided_by = $4, decided_at = now() WHERE id = $1::uuid
            """, [id, status, opinion, by])
    }

    private static func record(_ r: PGRow) throws -> ReviewRecord {
        ReviewRecord(id: try r.string("id"), reportID: try r.string("report_id"), kind: try r.string("kind"),
                     seq: try r.int("seq"), subjectID: try r.string("subject_id"), requestID: r.optionalString("request_id"),
                     status: try r.string("status"), reason: r.optionalString("reason"), opinion: r.optionalString("opinion"),
                     openedBy: try r.string("opened_by"), openedByName: try r.string("opened_by_name"),
                     openedAt: try r.date("opened_at"), decidedAt: try r.optionalDate("decided_at"))
    }
}
