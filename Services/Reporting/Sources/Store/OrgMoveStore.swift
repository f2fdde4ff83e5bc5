import KitPostgres

/// Moves an organisation's rows to its new scope path (an institution's region changed): every
/// table that copies the path for scope checks in SQL. A counted report's statistics move with
/// it: its contribution is taken out at the old path and put back at the new one (delta rows,
/// `StatsStore.reportChanged`), so the old city's figures lose it and the new city's gain it.
/// Rows already at the path are left alone: applying a move twice changes nothing.
enum OrgMoveStore {
    static let tables = ["enrolments", "enrolment_requests", "registry_years", "cases", "imports", "stat_reminders",
                         "history_bindings"]

    static func move(_ conn: PGConnection, orgID: String, to path: String) throws -> [String: Int] {
        var moved: [String: Int] = [:]
        let reports = try conn.query("""
            SELECT id::text AS id, status FROM reports WHERE org_id = $1 AND scope_path <> $2 ORDER BY id FOR UPDATE
            """, [orgID, path]).rows.map { (try $0.string("id"), try $0.string("status")) }
        for (id, status) in reports { try StatsStore.reportChanged(conn, reportID: id, from: status, to: "draft") }
        moved["reports"] = try conn.query("UPDATE reports SET scope_path = $2 WHERE org_id = $1 AND scope_path <> $2",
                                          [orgID, path]).affectedRows
        for (id, status) in reports { try StatsStore.reportChanged(conn, reportID: id, from: "draft", to: status) }
        for table in tables {
            moved[table] = try conn.query("UPDATE \(table) SET scope_path = $2 WHERE org_id = $1 AND scope_path <> $2",
                                          [orgID, path]).affectedRows
        }
        // earlier years bound from the old system (绑定既往数据) are shown under the institution's path
        moved["history_records"] = try conn.query("""
            UPDATE history_records SET bound_scope_path = $2 WHERE bound_org_id = $1 AND bound_scope_path <> $2
            """, [orgID, path]).affectedRows
        return moved
    }
}
