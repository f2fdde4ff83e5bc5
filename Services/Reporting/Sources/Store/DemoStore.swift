import Foundation
import KitCore
import KitPostgres

/// Demo history rows with their own timestamps (dev mode only; see Demo/DemoSeed.swift).
enum DemoStore {
    static let actor = "demo-seed"

    static func lock(_ conn: PGConnection, orgID: String) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext($1))", ["reporting-demo-seed:" + orgID])
    }

    static func seeded(_ conn: PGConnection, orgID: String) throws -> Bool {
        try conn.query("SELECT 1 FROM enrolments WHERE org_id = $1 AND enrolled_by = $2 LIMIT 1", [orgID, actor]).first != nil
    }

    static func enrol(_ conn: PGConnection, programID: String, orgID: String, scopePath: String, at: Date) throws {
        try conn.query("""
            INSERT INTO enrolments (id, program_id, org_id, scope_path, enrolled_by, enrolled_at)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6) ON CONFLICT (program_id, org_id) DO NOTHING
            """, [ID.new(), programID, orgID, scopePath, actor, at])
    }

    /// A report as it stood after its history; false when the institution already has one.
    static func report(_ conn: PGConnection, id: String, programID: String, formID: String, versionID: String, orgID: String,
                       scopePath: String, period: String, status: String, createdAt: Date, updatedAt: Date,
                       submittedAt: Date?) throws -> Bool {
        try conn.query("""
            INSERT INTO reports (id, program_id, form_id, version_id, org_id, scope_path, period, status, created_by,
                                 created_at, updated_at, submitted_at, submitted_by)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $12::timestamptz IS NULL THEN NULL ELSE $9 END)
            ON CONFLICT (form_id, org_id, period) DO NOTHING
            """, [id, programID, formID, versionID, orgID, scopePath, period, status, actor, createdAt, updatedAt,
                  submittedAt]).affectedRows == 1
    }

    static func value(_ conn: PGConnection, reportID: String, indicatorID: String, value: StoredValue, at: Date) throws {
        let num = value.num.map { "\($0)" }
        try conn.query("""
            INSERT INTO report_values (report_id, indicator_id, num, txt, updated_by, updated_at)
            VALUES ($1::uuid, $2::uuid, $3::numeric, $4, $5, $6)
            """, [reportID, indicatorID, num, value.txt, actor, at])
        try conn.query("""
            INSERT INTO value_edits (id, report_id, indicator_id, actor_id, actor_name, source, new_num, new_txt, at)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, '演示数据', 'entry', $5::numeric, $6, $7)
            """, [ID.new(), reportID, indicatorID, actor, num, value.txt, at])
    }

    static func review(_ conn: PGConnection, reportID: String, status: String, opinion: String?, openedAt: Date,
                       decidedAt: Date) throws {
        try conn.query("""
            INSERT INTO review_requests (id, report_id, kind, seq, subject_id, status, opinion, opened_by, opened_by_name,
                                         opened_at, decided_at, decided_by)
            VALUES ($1::uuid, $2::uuid, 'review', 1, $2 || ':r1', $3, $4, $5, '演示数据', $6, $7, 'demo')
            """, [ID.new(), reportID, status, opinion, actor, openedAt, decidedAt])
    }
}
