import Foundation
import KitCore
import KitPostgres

/// A report row as the engine uses it.
struct ReportRecord: Sendable {
    let id: String
    let programID: String
    let programCode: String
    let formID: String
    let versionID: String
    let orgID: String
    let scopePath: String
    let period: String
    let status: ReportStatus
    let createdAt: Date
    let updatedAt: Date
    let submittedAt: Date?
    let submittedBy: String?
    let reopenedAt: Date?
}

/// The names a report list shows next to each report.
struct ListNames: Sendable {
    let form: String
    let formName: String
    let programName: String
}

/// Reports: scope in SQL on every read. The caller's grants are `$1…$3` (roles, organisation
/// ids, scope paths): hospital roles of the program see their own organisation's reports,
/// reader roles the reports of their subtree (prefix match on the scope path).
enum ReportStore {
    private static let select = "SELECT " + columns + " FROM reports r JOIN programs p ON p.id = r.program_id"

    private static let columns = """
        r.id::text AS id, r.program_id::text AS program_id, p.code AS program_code, r.form_id::text AS form_id,
               r.version_id::text AS version_id, r.org_id, r.scope_path, r.period, r.status, r.created_at, r.updated_at,
               r.submitted_at, r.submitted_by, r.reopened_at
        """

    /// `$3` carries each grant's scope path and specialty as `path|specialty` (`reportParameters`);
    /// the statistics' reads use it too (StatsStore).
    static let grants = """
        WITH g AS (SELECT g.role, g.org_id, split_part(g.sp, '|', 1) AS scope_path, nullif(split_part(g.sp, '|', 2), '') AS specialty
                   FROM unnest($1::text[], $2::text[], $3::text[]) AS g(role, org_id, sp))
        """

    /// The caller enters for the report's organisation.
    private static let enters = "(g.role = ANY (p.entry_roles) AND g.org_id = r.org_id)"
    /// …or reads its region.
    /// A specialty program (`programs.specialty`, NCCQI) is read by a grant of that specialty
    /// only; grants without a specialty (city commissions, hospital-wide offices) read all.
    private static let reads = """
        (g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, r.scope_path) AND \(specialtyMatches))
        """
    /// The grant `g` may read the program `p`'s specialty data (docs/reporting.md, specialty scope).
    static let specialtyMatches = "(p.specialty IS NULL OR g.specialty IS NULL OR g.specialty = p.specialty)"

    static func insert(_ conn: PGConnection, id: String, programID: String, formID: String, versionID: String,
                       orgID: String, scopePath: String, period: String, by: String) throws -> Bool {
        try conn.query("""
            INSERT INTO reports (id, program_id, form_id, version_id, org_id, scope_path, period, created_by)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7, $8)
            ON CONFLICT (form_id, org_id, period) DO NOTHING
            """, [id, programID, formID, versionID, orgID, scopePath, period, by]).affectedRows == 1
    }

    /// The organisation's report of a form and period (the caller is that organisation).
    static func find(_ conn: PGConnection, formID: String, orgID: String, period: String) throws -> ReportRecord? {
        try conn.query(select + " WHERE r.form_id = $1::uuid AND r.org_id = $2 AND r.period = $3",
                       [formID, orgID, period]).first.map(record)
    }

    /// The report if the caller may see it, and whether he enters for it.
    static func visible(_ conn: PGConnection, id: String, caller: Caller) throws -> (ReportRecord, Bool)? {
        guard let row = try conn.query(grants + " SELECT " + columns + """
            , a.enters FROM reports r JOIN programs p ON p.id = r.program_id,
            LATERAL (SELECT coalesce(bool_or(\(enters)), false) AS enters, coalesce(bool_or(\(reads)), false) AS reads FROM g) a
            WHERE r.id = $4::uuid AND (a.enters OR a.reads)
            """, caller.reportParameters + [id]).first else { return nil }
        return (try record(row), try row.bool("enters"))
    }

    /// Locks the report for a change by someone entering for its organisation; nil when he
    /// does not (the handler then tells 403 from 404 with `visible`).
    static func lockForEntry(_ conn: PGConnection, id: String, caller: Caller) throws -> ReportRecord? {
        try conn.query(grants + " " + select + """
             WHERE r.id = $4::uuid AND EXISTS (SELECT 1 FROM g WHERE \(enters)) FOR UPDATE OF r
            """, caller.reportParameters + [id]).first.map(record)
    }

    /// Reports the caller may see (his organisation's, his region's), newest id first, with
    /// optional filters; `limit + 1` rows after `after`.
    static func list(_ conn: PGConnection, caller: Caller, program: String?, period: String?, status: String?,
                     after: String?, limit: Int) throws -> [(ReportRecord, ListNames)] {
        try conn.query(grants + " SELECT " + columns + """
            , f.code AS form_code, f.name AS form_name, p.name AS program_name FROM reports r JOIN programs p ON p.id = r.program_id JOIN forms f ON f.id = r.form_id
            WHERE EXISTS (SELECT 1 FROM g WHERE \(enters) OR \(reads))
              AND ($4::text IS NULL OR p.code = $4) AND ($5::text IS NULL OR r.period = $5)
              AND ($6::text IS NULL OR r.status = $6) AND ($7::uuid IS NULL OR r.id < $7::uuid)
            ORDER BY r.id DESC LIMIT $8
            """, caller.reportParameters + [program, period, status, after, limit + 1]).rows.map {
            (try record($0), ListNames(form: try $0.string("form_code"), formName: try $0.string("form_name"),
                                       programName: try $0.string("program_name")))
        }
    }

    /// The organisation's reports of a program (for the due list).
    static func ofOrganisation(_ conn: PGConnection, orgID: String, programID: String) throws -> [ReportRecord] {
        try conn.query(select + " WHERE r.org_id = $1 AND r.program_id = $2::uuid ORDER BY r.period DESC",
                       [orgID, programID]).rows.map(record)
    }

    static func touch(_ conn: PGConnection, id: String) throws {
        try conn.query("UPDATE reports SET updated_at = now() WHERE id = $1::uuid", [id])
    }

    /// Submitted: `submitted` when the program has no review, `under_review` when a review
    /// request was opened in the same transaction.
    static func submit(_ conn: PGConnection, id: String, by: String, status: ReportStatus = .submitted) throws {
        try conn.query("""
            UPDATE reports SET status = $3, submitted_at = now(), submitted_by = $2, updated_at = now()
            WHERE id = $1::uuid
            """, [id, by, status.rawValue])
    }

    /// Whether the report's program reviews submissions (a submit then opens a request).
    static func needsReview(_ conn: PGConnection, id: String) throws -> Bool {
        try conn.query("""
            SELECT p.review_chain IS NOT NULL AS review FROM reports r JOIN programs p ON p.id = r.program_id WHERE r.id = $1::uuid
            """, [id]).first?.bool("review") ?? false
    }

    /// Locks a report by id (internal callers: approval's outcomes).
    static func lock(_ conn: PGConnection, id: String) throws -> ReportRecord? {
        try conn.query(select + " WHERE r.id = $1::uuid FOR UPDATE OF r", [id]).first.map(record)
    }

    /// A state change decided by approval; the statistics follow it in this transaction
    /// (a returned or reopened report leaves the rollups, an accepted one may enter them).
    static func setStatus(_ conn: PGConnection, id: String, status: ReportStatus, reopened: Bool = false) throws {
        let old = try conn.query("""
            UPDATE reports r SET status = $2, updated_at = now(),
                reopened_at = CASE WHEN $3::boolean THEN now() ELSE r.reopened_at END
            FROM (SELECT status FROM reports WHERE id = $1::uuid) o
            WHERE r.id = $1::uuid RETURNING o.status AS old
            """, [id, status.rawValue, reopened]).first?.optionalString("old")
        if let old { try StatsStore.reportChanged(conn, reportID: id, from: old, to: status.rawValue) }
    }

    private static func record(_ r: PGRow) throws -> ReportRecord {
        ReportRecord(id: try r.string("id"), programID: try r.string("program_id"), programCode: try r.string("program_code"),
                     formID: try r.string("form_id"), versionID: try r.string("version_id"), orgID: try r.string("org_id"),
                     scopePath: try r.string("scope_path"), period: try r.string("period"),
                     status: try r.decode(ReportStatus.self, "status"), createdAt: try r.date("created_at"),
                     updatedAt: try r.date("updated_at"), submittedAt: try r.optionalDate("submitted_at"),
                     submittedBy: r.optionalString("submitted_by"), reopenedAt: try r.optionalDate("reopened_at"))
    }
}

extension Caller {
    /// `$1…$3` of the scoped queries.
    var sqlParameters: [PGBindable?] { [roles, orgIDs, scopePaths] }
    /// Reports' `$1…$3`: the scope paths with each grant's specialty (`path|specialty`).
    var reportParameters: [PGBindable?] {
        [roles, orgIDs, claims.roles.map { $0.scopePath + "|" + ($0.specialty ?? "") }]
    }
}

/// Enrolment of an institution in a program.
enum EnrolmentStore {
    /// True when the row was created now.
    /// An active enrolment, with the institution's name; false when it was enrolled already.
    @discardableResult
    static func enrol(_ conn: PGConnection, programID: String, orgID: String, scopePath: String, orgName: String?,
                      by: String) throws -> Bool {
        try conn.query("""
            INSERT INTO enrolments (id, program_id, org_id, scope_path, enrolled_by, org_name)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6) ON CONFLICT (program_id, org_id) DO NOTHING
            """, [ID.new(), programID, orgID, scopePath, by, orgName]).affectedRows == 1
    }

    static func isEnrolled(_ conn: PGConnection, programID: String, orgID: String) throws -> Bool {
        try conn.query("SELECT 1 FROM enrolments WHERE program_id = $1::uuid AND org_id = $2", [programID, orgID]).first != nil
    }
}
