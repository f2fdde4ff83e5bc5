import Foundation
import KitPostgres

/// Requests: one row each, locked (FOR UPDATE) by every change so decisions on one request
/// are serialised.
enum RequestStore {
    private static let select = """
        SELECT r.id::text AS id, r.type, r.chain_code, c.name AS chain_name, c.decisions AS chain_decisions,
               r.subject_service, r.subject_id, r.title, r.applicant::text AS applicant, r.applicant_user_id,
               r.scope_path, r.specialty, r.institution_org_id, r.attachments, r.details::text AS details, r.reason,
               r.callback_path, r.status, r.current_stage, r.acted, r.outcome_opinion, r.decided_at, r.decided_by,
               r.created_at, r.updated_at
        FROM requests r JOIN chains c ON c.code = r.chain_code
        """

    static func insert(_ conn: PGConnection, _ r: NewRequest) throws {
        try conn.query("""
            INSERT INTO requests (id, type, chain_code, subject_service, subject_id, title, applicant, applicant_user_id,
                                  scope_path, province_code, city_code, specialty, institution_org_id, attachments,
                                  details, reason, callback_path, idempotency_key)
            VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13, $14::text[], $15::jsonb, $16, $17, $18)
            """, [r.id, r.type, r.chainCode, r.subjectService, r.subjectID, r.title, r.applicantJSON, r.applicantUserID,
                  r.scopePath, r.provinceCode, r.cityCode, r.specialty, r.institutionOrgID, r.attachments,
                  r.detailsJSON, r.reason, r.callbackPath, r.idempotencyKey])
    }

    static func find(_ conn: PGConnection, id: String) throws -> RequestRecord? {
        try conn.query(select + " WHERE r.id = $1::uuid", [id]).first.map(record)
    }

    /// Reads and locks the request row until the transaction ends.
    static func lock(_ conn: PGConnection, id: String) throws -> RequestRecord? {
        try conn.query(select + " WHERE r.id = $1::uuid FOR UPDATE OF r", [id]).first.map(record)
    }

    /// The request opened earlier with this idempotency key.
    static func byIdempotencyKey(_ conn: PGConnection, key: String) throws -> RequestRecord? {
        try conn.query(select + " WHERE r.idempotency_key = $1", [key]).first.map(record)
    }

    /// Serialises openings for one subject until the transaction ends.
    static func lockSubject(_ conn: PGConnection, service: String, subjectID: String) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 5))", [service + ":" + subjectID])
    }

    /// The subject's requests still pending, locked.
    static func pendingForSubject(_ conn: PGConnection, service: String, subjectID: String) throws -> [RequestRecord] {
        try conn.query(select + """
             WHERE r.subject_service = $1 AND r.subject_id = $2 AND r.status = 'pending' ORDER BY r.id FOR UPDATE OF r
            """, [service, subjectID]).rows.map(record)
    }

    /// The subject's latest request.
    static func latestForSubject(_ conn: PGConnection, service: String, subjectID: String) throws -> RequestRecord? {
        try conn.query(select + " WHERE r.subject_service = $1 AND r.subject_id = $2 ORDER BY r.id DESC LIMIT 1",
                       [service, subjectID]).first.map(record)
    }

    static func markActed(_ conn: PGConnection, id: String) throws {
        try conn.query("UPDATE requests SET acted = true, updated_at = now() WHERE id = $1::uuid", [id])
    }

    static func setCurrentStage(_ conn: PGConnection, id: String, stage: Int) throws {
        try conn.query("UPDATE requests SET current_stage = $2, updated_at = now() WHERE id = $1::uuid", [id, stage])
    }

    /// Ends the request (a decision ending it counts as acting on it); answers the time it ended.
    @discardableResult
    static func finish(_ conn: PGConnection, id: String, status: RequestStatus, opinion: String?, by: String?) throws -> Date {
        let row = try conn.query("""
            UPDATE requests SET status = $2, outcome_opinion = $3, decided_by = $4, decided_at = now(), updated_at = now(),
                   acted = acted OR $2 IN ('approved', 'rejected', 'returned')
            WHERE id = $1::uuid RETURNING decided_at
            """, [id, status.rawValue, opinion, by]).first
        return try row?.date("decided_at") ?? Date()
    }

    private static func record(_ row: PGRow) throws -> RequestRecord {
        RequestRecord(
            id: try row.string("id"), type: try row.string("type"), chainCode: try row.string("chain_code"),
            chainName: try row.string("chain_name"),
            chainDecisions: try row.stringArray("chain_decisions").compactMap(Decision.init(rawValue:)),
            subjectService: try row.string("subject_service"), subjectID: try row.string("subject_id"),
            title: try row.string("title"), applicantJSON: try row.string("applicant"),
            applicantUserID: row.optionalString("applicant_user_id"), scopePath: try row.string("scope_path"),
            specialty: row.optionalString("specialty"), institutionOrgID: row.optionalString("institution_org_id"),
            attachments: try row.stringArray("attachments"), detailsJSON: try row.string("details"),
            reason: row.optionalString("reason"), callbackPath: row.optionalString("callback_path"),
            status: try row.decode(RequestStatus.self, "status"), currentStage: try row.int("current_stage"),
            acted: try row.bool("acted"), outcomeOpinion: row.optionalString("outcome_opinion"),
            decidedAt: try row.optionalDate("decided_at"), decidedBy: row.optionalString("decided_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
