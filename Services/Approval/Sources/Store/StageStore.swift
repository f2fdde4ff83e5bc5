import Foundation
import KitPostgres

/// The stages of each request (copies of the chain's stages with the scope path resolved).
enum StageStore {
    private static let columns = """
        idx, name, role, scope, scope_path, specialty_match, rule, org_kind, status, opened_at, completed_at, resolve_error
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

    private static func record(_ row: PGRow) throws -> StageRecord {
        StageRecord(index: try row.int("idx"), name: try row.string("name"), role: try row.string("role"),
                    scope: try row.decode(ScopeLevel.self, "scope"), scopePath: try row.string("scope_path"),
                    specialtyMatch: try row.bool("specialty_match"), rule: try row.decode(StageRule.self, "rule"),
                    orgKind: row.optionalString("org_kind"), status: try row.decode(StageStatus.self, "status"),
                    openedAt: try row.optionalDate("opened_at"), completedAt: try row.optionalDate("completed_at"),
                    resolveError: row.optionalString("resolve_error"))
    }
}
