import Foundation
import KitCore
import KitPostgres

/// A request of an institution to take part in a program that approves its participants.
struct EnrolmentRequestRecord: Sendable {
    let id: String
    let programID: String
    let orgID: String
    let scopePath: String
    let orgName: String?
    let seq: Int
    let subjectID: String
    let requestID: String?
    let status: String
    let opinion: String?
    let requestedBy: String
    let requestedAt: Date
    let decidedAt: Date?
}

/// What the programs page and the participants list show of an institution in a program.
struct ParticipantRow: Sendable {
    let orgID: String
    let orgName: String?
    let scopePath: String
    let status: String
    let since: Date
    let opinion: String?
}

/// Enrolment requests (`enrolment_requests`) and the program's enrolment rule. Active
/// enrolments stay in `enrolments` (EnrolmentStore), written when a request is approved.
enum EnrolmentRequestStore {
    private static let columns = """
        id::text AS id, program_id::text AS program_id, org_id, scope_path, org_name, seq, subject_id, request_id, status,
        opinion, requested_by, requested_at, decided_at
        """

    /// The institution's latest request for the program.
    static func latest(_ conn: PGConnection, programID: String, orgID: String) throws -> EnrolmentRequestRecord? {
        try conn.query("""
            SELECT \(columns) FROM enrolment_requests WHERE program_id = $1::uuid AND org_id = $2 ORDER BY seq DESC LIMIT 1
            """, [programID, orgID]).first.map(record)
    }

    /// The institution's latest request per program (the programs page).
    static func latestByProgram(_ conn: PGConnection, orgID: String) throws -> [String: EnrolmentRequestRecord] {
        var out: [String: EnrolmentRequestRecord] = [:]
        for row in try conn.query("""
            SELECT DISTINCT ON (program_id) \(columns) FROM enrolment_requests WHERE org_id = $1
            ORDER BY program_id, seq DESC
            """, [orgID]).rows {
            let r = try record(row)
            out[r.programID] = r
        }
        return out
    }

    /// Opens the next request; nil when one is already pending (a concurrent ask).
    static func open(_ conn: PGConnection, programID: String, orgID: String, scopePath: String, orgName: String?,
                     by: String, byName: String) throws -> EnrolmentRequestRecord? {
        let id = ID.new()
        return try conn.query("""
            INSERT INTO enrolment_requests (id, program_id, org_id, scope_path, org_name, seq, subject_id, requested_by, requested_by_name)
            SELECT $1::uuid, $2::uuid, $3, $4, $5,
                   coalesce((SELECT max(seq) FROM enrolment_requests WHERE program_id = $2::uuid AND org_id = $3), 0) + 1,
                   'enrol:' || $1, $6, $7
            ON CONFLICT (program_id, org_id) WHERE status = 'pending' DO NOTHING
            RETURNING \(columns)
            """, [id, programID, orgID, scopePath, orgName, by, byName]).first.map(record)
    }

    static func bySubject(_ conn: PGConnection, subjectID: String, lock: Bool = false) throws -> EnrolmentRequestRecord? {
        try conn.query("SELECT \(columns) FROM enrolment_requests WHERE subject_id = $1" + (lock ? " FOR UPDATE" : ""),
                       [subjectID]).first.map(record)
    }

    static func bindRequest(_ conn: PGConnection, id: String, requestID: String) throws {
        try conn.query("UPDATE enrolment_requests SET request_id = $2 WHERE id = $1::uuid AND request_id IS NULL", [id, requestID])
    }

    static func decide(_ conn: PGConnection, id: String, status: String, opinion: String?, by: String?) throws {
        try conn.query("""
            UPDATE enrolment_requests SET status = $2, opinion = $3, decided_by = $4, decided_at = now() WHERE id = $1::uuid
            """, [id, status, opinion, by])
    }

    /// The institutions taking part in the program (active) or asking to (pending, rejected),
    /// as the caller may see them: a reader grant of the program under its scope path (and of
    /// the program's specialty, like reports), or the caller's own institution. At most
    /// `limit + 1` rows, ordered by scope path.
    static func participants(_ conn: PGConnection, caller: Caller, programID: String, status: String?,
                             limit: Int) throws -> [ParticipantRow] {
        try conn.query(ReportStore.grants + """
            , x AS (
                SELECT e.program_id, e.org_id, coalesce(e.org_name, q.org_name) AS org_name, e.scope_path,
                       'active' AS status, e.enrolled_at AS since, NULL::text AS opinion
                FROM enrolments e
                LEFT JOIN LATERAL (SELECT org_name FROM enrolment_requests r WHERE r.program_id = e.program_id
                                   AND r.org_id = e.org_id AND r.org_name IS NOT NULL ORDER BY seq DESC LIMIT 1) q ON true
                WHERE e.program_id = $4::uuid
                UNION ALL
                SELECT r.program_id, r.org_id, r.org_name, r.scope_path, r.status, coalesce(r.decided_at, r.requested_at), r.opinion
                FROM enrolment_requests r
                WHERE r.program_id = $4::uuid AND r.status IN ('pending', 'rejected')
                  AND r.seq = (SELECT max(seq) FROM enrolment_requests l WHERE l.program_id = r.program_id AND l.org_id = r.org_id)
                  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.program_id = r.program_id AND e.org_id = r.org_id))
            SELECT x.org_id, x.org_name, x.scope_path, x.status, x.since, x.opinion
            FROM x JOIN programs p ON p.id = x.program_id
            WHERE ($5::text IS NULL OR x.status = $5)
              AND EXISTS (SELECT 1 FROM g WHERE (g.role = ANY (p.entry_roles) AND g.org_id = x.org_id)
                          OR (g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, x.scope_path)
                              AND \(ReportStore.specialtyMatches)))
            ORDER BY x.scope_path COLLATE "C", x.org_id LIMIT $6
            """, caller.reportParameters + [programID, status, limit + 1]).rows.map {
            ParticipantRow(orgID: try $0.string("org_id"), orgName: $0.optionalString("org_name"),
                           scopePath: try $0.string("scope_path"), status: try $0.string("status"),
                           since: try $0.date("since"), opinion: $0.optionalString("opinion"))
        }
    }

    /// Whether the caller holds a reader grant of the program (of its specialty, when it has one).
    static func reads(_ conn: PGConnection, caller: Caller, programID: String) throws -> Bool {
        try conn.query(ReportStore.grants + """
            SELECT EXISTS (SELECT 1 FROM g, programs p WHERE p.id = $4::uuid AND g.role = ANY (p.reader_roles)
                           AND \(ReportStore.specialtyMatches)) AS reads
            """, caller.reportParameters + [programID]).first?.bool("reads") ?? false
    }

    /// Active enrolment, written when approval approves (the request's asker is the one who enrolled).
    static func activate(_ conn: PGConnection, _ r: EnrolmentRequestRecord) throws {
        try EnrolmentStore.enrol(conn, programID: r.programID, orgID: r.orgID, scopePath: r.scopePath, orgName: r.orgName,
                                 by: r.requestedBy)
    }

    private static func record(_ r: PGRow) throws -> EnrolmentRequestRecord {
        EnrolmentRequestRecord(id: try r.string("id"), programID: try r.string("program_id"), orgID: try r.string("org_id"),
                               scopePath: try r.string("scope_path"), orgName: r.optionalString("org_name"),
                               seq: try r.int("seq"), subjectID: try r.string("subject_id"),
                               requestID: r.optionalString("request_id"), status: try r.string("status"),
                               opinion: r.optionalString("opinion"), requestedBy: try r.string("requested_by"),
                               requestedAt: try r.date("requested_at"), decidedAt: try r.optionalDate("decided_at"))
    }
}
