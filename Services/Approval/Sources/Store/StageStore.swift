import Foundation
import KitPostgres

/// The stages of each request (copies of the chain's stages with the scope path resolved).
enum StageStore {
    private static let columns = """
        idx, name, role, scope, scope_path, specialty_match, rule, org_kind, status, opened_at, completed_at, resolve_error,
        escalated_from, escalation_note
        """

    static func insert(_ conn: PGConnection, requestID: String, stage: ChainStage, scopePath: String,
                       status: StageStatus) throws {
        try conn.query("""
            INSERT INTO request_stages (request_id, idx, name, role, scope, scope_path, specialty_match, rule, org_kind,
                                        status, opened_at, resolve_after)
            VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                    CASE WHEN $10 IN ('pending', 'resolving') THEN now() END,
                    CASE WHEN $10 = 'resolving' THEN now() END)
            """, [requestID, stage.index, stage.name, stage.role, stage.scope.rawValue, scopePath, stage.specialtyMatch,
                  stage.rule.rawValue, stage.orgKind, status.rawValue])
    }

    static func all(_ conn: PGConnection, requestID: String) throws -> [StageRecord] {
        try conn.query("SELECT \(columns) FROM request_stages WHERE request_id = $1::uuid ORDER BY idx",
                       [requestID]).rows.map(record)
    }

    static func find(_ conn: PGConnection, requestID: String, index: Int) throws -> StageRecord? {
        try conn.query("SELECT \(columns) FROM request_stages WHERE request_id = $1::uuid AND idx = $2",
                       [requestID, index]).first.map(record)
    }

    /// Opens a waiting stage: `pending` (rule any) or `resolving` (rule all: organisations to list).
    static func open(_ conn: PGConnection, requestID: String, index: Int, status: StageStatus) throws {
        try conn.query("""
            UPDATE request_stages SET status = $3, opened_at = now(),
                   resolve_after = CASE WHEN $3 = 'resolving' THEN now() END
            WHERE request_id = $1::uuid AND idx = $2
            """, [requestID, index, status.rawValue])
    }

    /// Rule all: the organisations are listed; the stage waits for their decisions.
    static func resolved(_ conn: PGConnection, requestID: String, index: Int) throws {
        try conn.query("""
            UPDATE request_stages SET status = 'pending', resolve_error = NULL, resolve_after = NULL,
                   resolve_attempts = resolve_attempts + 1
            WHERE request_id = $1::uuid AND idx = $2 AND status = 'resolving'
            """, [requestID, index])
    }

    /// Rule all: listing failed (identity down, or no organisation yet); try again later.
    static func resolutionFailed(_ conn: PGConnection, requestID: String, index: Int, error: String) throws {
        try conn.query("""
            UPDATE request_stages SET resolve_attempts = resolve_attempts + 1, resolve_error = $3,
                   resolve_after = now() + make_interval(secs => least(300, 1 * power(2, least(resolve_attempts, 9))))
            WHERE request_id = $1::uuid AND idx = $2 AND status = 'resolving'
            """, [requestID, index, String(error.prefix(300))])
    }

    static func close(_ conn: PGConnection, requestID: String, index: Int, status: StageStatus) throws {
        try conn.query("""
            UPDATE request_stages SET status = $3, completed_at = now(), resolve_after = NULL
            WHERE request_id = $1::uuid AND idx = $2
            """, [requestID, index, status.rawValue])
    }

    /// Rule-all stages whose organisations are due to be listed (again).
    static func dueResolutions(_ conn: PGConnection, limit: Int) throws -> [PendingResolution] {
        try conn.query("""
            SELECT s.request_id::text AS request_id, s.idx, s.scope_path, s.org_kind, s.specialty_match, r.specialty
            FROM request_stages s JOIN requests r ON r.id = s.request_id
            WHERE s.status = 'resolving' AND s.resolve_after <= now() AND r.status = 'pending'
            ORDER BY s.resolve_after LIMIT $1
            """, [limit]).rows.map { row in
            PendingResolution(requestID: try row.string("request_id"), stageIndex: try row.int("idx"),
                              scopePath: try row.string("scope_path"), orgKind: try row.string("org_kind"),
                              specialty: row.optionalString("specialty"), specialtyMatch: try row.bool("specialty_match"))
        }
    }

    /// Rule-any stages of region bodies (provincial centres, city commissions) not yet known to
    /// have an approver organisation, due to be checked at identity.
    static func dueApproverChecks(_ conn: PGConnection, limit: Int) throws -> [PendingResolution] {
        try conn.query("""
            SELECT s.request_id::text AS request_id, s.idx, s.scope_path, s.role, s.specialty_match, r.specialty
            FROM request_stages s JOIN requests r ON r.id = s.request_id AND r.current_stage = s.idx AND r.status = 'pending'
            WHERE s.status = 'pending' AND s.approvers_checked_at IS NULL AND s.role IN ('provincial_centre', 'city_commission')
              AND (s.approvers_check_after IS NULL OR s.approvers_check_after <= now())
            ORDER BY s.approvers_check_after NULLS FIRST LIMIT $1
            """, [limit]).rows.map { row in
            PendingResolution(requestID: try row.string("request_id"), stageIndex: try row.int("idx"),
                              scopePath: try row.string("scope_path"), orgKind: try row.string("role"),
                              specialty: row.optionalString("specialty"), specialtyMatch: try row.bool("specialty_match"))
        }
    }

    /// The stage's approvers exist (`found`), or the lookup failed and is tried again later.
    static func approversChecked(_ conn: PGConnection, requestID: String, index: Int, found: Bool) throws {
        try conn.query("""
            UPDATE request_stages SET approvers_checked_at = CASE WHEN $3 THEN now() END,
                   approvers_check_after = CASE WHEN $3 THEN NULL ELSE now() + interval '30 seconds' END
            WHERE request_id = $1::uuid AND idx = $2
            """, [requestID, index, found])
    }

    /// Moves an open stage to the next level up: another role at another scope, rule any, no
    /// specialty binding; what it was and why it moved are kept. The waiting time runs on.
    static func escalate(_ conn: PGConnection, requestID: String, index: Int, to role: String, scope: ScopeLevel,
                         scopePath: String, name: String, note: String) throws {
        try conn.query("""
            UPDATE request_stages SET escalated_from = coalesce(escalated_from, name), escalation_note = $7,
                   name = $6, role = $3, scope = $4, scope_path = $5, rule = 'any', org_kind = NULL, specialty_match = false,
                   status = 'pending', resolve_after = NULL, resolve_error = NULL,
                   approvers_checked_at = NULL, approvers_check_after = NULL
            WHERE request_id = $1::uuid AND idx = $2
            """, [requestID, index, role, scope.rawValue, scopePath, name, note])
    }

    /// Pending requests whose current stage opened before `days` days ago, oldest first.
    static func stale(_ conn: PGConnection, days: Int, limit: Int) throws -> [StaleItem] {
        try conn.query("""
            SELECT r.id::text AS id, r.type, r.chain_code, c.name AS chain_name, r.title, r.scope_path, r.specialty,
                   s.idx, s.name AS stage_name, s.role, s.status AS stage_status, s.opened_at, s.escalation_note,
                   floor(extract(epoch FROM now() - s.opened_at) / 86400)::int AS waiting_days
            FROM request_stages s
            JOIN requests r ON r.id = s.request_id AND r.current_stage = s.idx AND r.status = 'pending'
            JOIN chains c ON c.code = r.chain_code
            WHERE s.status IN ('pending', 'resolving') AND s.opened_at < now() - make_interval(days => $1)
            ORDER BY s.opened_at, r.id LIMIT $2
            """, [days, limit]).rows.map { row in
            StaleItem(id: try row.string("id"), type: try row.string("type"), chain: try row.string("chain_code"),
                      chainName: try row.string("chain_name"), title: try row.string("title"),
                      scopePath: try row.string("scope_path"), specialty: row.optionalString("specialty"),
                      stage: try row.int("idx"), stageName: try row.string("stage_name"),
                      approvers: Presenter.roleTitle(try row.string("role")), stageStatus: try row.string("stage_status"),
                      since: try row.date("opened_at"), waitingDays: try row.int("waiting_days"),
                      escalationNote: row.optionalString("escalation_note"))
        }
    }

    private static func record(_ row: PGRow) throws -> StageRecord {
        StageRecord(index: try row.int("idx"), name: try row.string("name"), role: try row.string("role"),
                    scope: try row.decode(ScopeLevel.self, "scope"), scopePath: try row.string("scope_path"),
                    specialtyMatch: try row.bool("specialty_match"), rule: try row.decode(StageRule.self, "rule"),
                    orgKind: row.optionalString("org_kind"), status: try row.decode(StageStatus.self, "status"),
                    openedAt: try row.optionalDate("opened_at"), completedAt: try row.optionalDate("completed_at"),
                    resolveError: row.optionalString("resolve_error"), escalatedFrom: row.optionalString("escalated_from"),
                    escalationNote: row.optionalString("escalation_note"))
    }
}
