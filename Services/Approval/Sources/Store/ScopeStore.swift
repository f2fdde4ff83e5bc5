import KitPostgres
import Models

/// Who may act on or see a request, decided in SQL from the caller's grants.
enum ScopeStore {
    /// The caller's organisation (and role) whose turn it is on the request's current stage.
    static func eligibleOrg(_ conn: PGConnection, requestID: String, grants: Grants) throws -> (orgID: String, role: String)? {
        guard !grants.isEmpty else { return nil }
        let row = try conn.query(ScopeSQL.grants + """
            SELECT g.org_id, g.role FROM requests r
            JOIN request_stages s ON s.request_id = r.id AND s.idx = r.current_stage
            JOIN g ON \(ScopeSQL.grantMatchesStage) AND \(ScopeSQL.grantsTurn)
            WHERE r.id = $5::uuid AND r.status = 'pending' AND s.status = 'pending'
            ORDER BY g.org_id LIMIT 1
            """, grants.sqlParameters + [requestID]).first
        guard let row else { return nil }
        return (try row.string("org_id"), try row.string("role"))
    }

    /// True when the caller approves any stage of the request, or has decided on it.
    static func isApprover(_ conn: PGConnection, requestID: String, grants: Grants) throws -> Bool {
        try conn.query(ScopeSQL.grants + """
            SELECT (EXISTS (SELECT 1 FROM requests r JOIN request_stages s ON s.request_id = r.id
                            JOIN g ON \(ScopeSQL.grantMatchesStage) AND \(ScopeSQL.grantsStage)
                            WHERE r.id = $5::uuid)
                    OR EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = $5::uuid AND d.user_id = $6)) AS allowed
            """, grants.sqlParameters + [requestID, grants.userID]).first?.bool("allowed") ?? false
    }

    /// The detail of a program enrolment request that names the institution's approved
    /// registration application (`Models.ApprovalDetails`; migration 007 indexes it).
    static let registrationKey = ApprovalDetails.registrationApplication

    /// True when the caller approves any stage of any request on the subject (contracts.md:
    /// documents asks before showing an attachment), or of a program enrolment request that
    /// reuses the subject (an institution's registration).
    static func isApproverOfSubject(_ conn: PGConnection, service: String, subjectID: String, grants: Grants) throws -> Bool {
        try conn.query(ScopeSQL.grants + """
            SELECT (EXISTS (SELECT 1 FROM requests r JOIN request_stages s ON s.request_id = r.id
                            JOIN g ON \(ScopeSQL.grantMatchesStage) AND \(ScopeSQL.grantsStage)
                            WHERE r.subject_service = $5 AND r.subject_id = $6)
                    OR EXISTS (SELECT 1 FROM decisions d JOIN requests r ON r.id = d.request_id
                               WHERE r.subject_service = $5 AND r.subject_id = $6 AND d.user_id = $7)
                    -- an institution's verified registration, reused by its program enrolment
                    -- request (reporting): that request's approvers see the registration's files
                    OR ($5 = 'identity' AND EXISTS (
                        SELECT 1 FROM requests r JOIN request_stages s ON s.request_id = r.id
                        JOIN g ON \(ScopeSQL.grantMatchesStage) AND \(ScopeSQL.grantsStage)
                        WHERE r.type = 'program_enrolment' AND r.subject_service = 'reporting'
                          AND r.details->>'\(registrationKey)' = $6))) AS allowed
            """, grants.sqlParameters + [service, subjectID, grants.userID]).first?.bool("allowed") ?? false
    }
}
