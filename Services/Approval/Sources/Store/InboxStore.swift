import Foundation
import KitPostgres

/// Pending requests whose current stage waits for one of the caller's organisations.
enum InboxStore {
    struct Filter: Sendable {
        var type: String?
        var chain: String?
        var query: String?
    }

    /// Requests waiting for the caller, found from his grants (see `ScopeSQL.pendingStagesOfGrant`).
    private static func pendingForGrants(_ select: String) -> String {
        ScopeSQL.grants + """
            \(select)
            FROM requests r
            JOIN chains c ON c.code = r.chain_code
            JOIN request_stages s ON s.request_id = r.id AND s.idx = r.current_stage
            WHERE r.id IN (SELECT s.request_id FROM g
                           JOIN request_stages s ON \(ScopeSQL.pendingStagesOfGrant)
                           JOIN requests r ON r.id = s.request_id AND r.current_stage = s.idx AND r.status = 'pending'
                           WHERE \(ScopeSQL.grantMatchesStage) AND \(ScopeSQL.grantsTurn))
              AND ($5::text IS NULL OR r.type = $5)
              AND ($6::text IS NULL OR r.chain_code = $6)
              AND ($7::text IS NULL OR strpos(lower(r.title), lower($7)) > 0)
            """
    }

    /// Newest first; `after` is the last id of the previous page.
    static func page(_ conn: PGConnection, grants: Grants, filter: Filter, after: String?, limit: Int) throws -> [InboxItem] {
        guard !grants.isEmpty else { return [] }
        let sql = pendingForGrants("""
            SELECT r.id::text AS id, r.type, r.chain_code, c.name AS chain_name, r.title, r.applicant::text AS applicant,
                   r.scope_path, r.specialty, s.idx, s.name AS stage_name, s.opened_at, r.created_at,
                   coalesce(s.opened_at < now() - make_interval(days => $10), false) AS stale
            """) + " AND ($8::uuid IS NULL OR r.id < $8::uuid) ORDER BY r.id DESC LIMIT $9"
        let params: [PGBindable?] = grants.sqlParameters + [filter.type, filter.chain, filter.query, after, limit, StaleHandlers.configuredDays]
        return try conn.query(sql, params).rows.map { row in
            InboxItem(id: try row.string("id"), type: try row.string("type"), chain: try row.string("chain_code"),
                      chainName: try row.string("chain_name"), title: try row.string("title"),
                      applicant: JSONValue.parse(try row.string("applicant")), scopePath: try row.string("scope_path"),
                      specialty: row.optionalString("specialty"), stage: try row.int("idx"),
                      stageName: try row.string("stage_name"), since: try row.optionalDate("opened_at"),
                      createdAt: try row.date("created_at"), stale: try row.bool("stale"))
        }
    }

    /// Pending count by request type (the badge).
    static func count(_ conn: PGConnection, grants: Grants, filter: Filter) throws -> [String: Int] {
        guard !grants.isEmpty else { return [:] }
        let sql = pendingForGrants("SELECT r.type, count(*) AS n") + " GROUP BY r.type"
        var out: [String: Int] = [:]
        for row in try conn.query(sql, grants.sqlParameters + [filter.type, filter.chain, filter.query]).rows {
            out[try row.string("type")] = try row.int("n")
        }
        return out
    }
}
