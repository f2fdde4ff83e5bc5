import KitPostgres

/// The rows an institution's region change touches: its pending requests and their open stages.
enum OrgMoveStore {
    /// Pending requests whose subject lies under the organisation (its node is a segment of
    /// their path), locked for the move.
    static func pendingUnder(_ conn: PGConnection, orgID: String) throws -> [(id: String, scopePath: String)] {
        try conn.query("""
            SELECT id::text AS id, scope_path FROM requests
            WHERE status = 'pending' AND $1 = ANY (string_to_array(scope_path, '/'))
            ORDER BY id FOR UPDATE
            """, [orgID]).rows.map { (try $0.string("id"), try $0.string("scope_path")) }
    }

    static func moveRequest(_ conn: PGConnection, id: String, scopePath: String, provinceCode: String?, cityCode: String?) throws {
        try conn.query("""
            UPDATE requests SET scope_path = $2, province_code = $3, city_code = $4, updated_at = now()
            WHERE id = $1::uuid
            """, [id, scopePath, provinceCode, cityCode])
    }

    /// A stage not decided yet takes its new path. `restart`: a rule-all stage whose
    /// organisations were listed under the old path lists them again under the new one (the
    /// old region's organisations no longer decide it).
    static func moveStage(_ conn: PGConnection, requestID: String, index: Int, scopePath: String, restart: Bool) throws {
        guard restart else {
            try conn.query("UPDATE request_stages SET scope_path = $3 WHERE request_id = $1::uuid AND idx = $2",
                           [requestID, index, scopePath])
            return
        }
        try conn.query("DELETE FROM stage_approver_orgs WHERE request_id = $1::uuid AND stage_idx = $2", [requestID, index])
        try conn.query("""
            UPDATE request_stages SET scope_path = $3, resolve_attempts = 0, resolve_error = NULL
            WHERE request_id = $1::uuid AND idx = $2
            """, [requestID, index, scopePath])
        try StageStore.open(conn, requestID: requestID, index: index, status: .resolving)
    }
}
