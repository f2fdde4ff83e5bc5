import Foundation
import KitCore
import KitPostgres

/// A registry year row in a list (an institution's years, or a centre's region).
struct YearListRow: Sendable {
    let id: String
    let orgID: String
    let scopePath: String
    let period: String
    let status: String
    let submittedAt: Date?
    let updatedAt: Date
    let counts: [String: Int]
}

/// Lists of registry years: scope in SQL (`$1…$3` the caller's grants, `reportParameters`):
/// the program's entry roles reach their own organisation's rows, reader roles the rows of
/// their region (`path_covers`), of the program's specialty if it has one.
enum YearListStore {
    private static let columns = """
        y.id::text AS id, y.org_id, y.scope_path, y.period, y.status, y.submitted_at, y.updated_at,
        coalesce((SELECT jsonb_object_agg(x.code, x.n) FROM (
            SELECT r.code, count(*) AS n FROM cases c JOIN registries r ON r.id = c.registry_id
            WHERE c.program_id = y.program_id AND c.org_id = y.org_id AND c.period = y.period GROUP BY r.code) x), '{}')::text AS counts
        """

    /// `$4` program, `$5` period or NULL, `$6` org or NULL, `$7` cursor (id) or NULL, `$8` limit.
    static func list(_ conn: PGConnection, caller: Caller, programID: String, period: String?, orgID: String?,
                     after: String?, limit: Int) throws -> [YearListRow] {
        try conn.query(ReportStore.grants + " SELECT " + columns + """
             FROM registry_years y JOIN programs p ON p.id = y.program_id
            WHERE y.program_id = $4::uuid AND ($5::text IS NULL OR y.period = $5) AND ($6::text IS NULL OR y.org_id = $6)
              AND EXISTS (SELECT 1 FROM g WHERE (g.role = ANY (p.entry_roles) AND g.org_id = y.org_id)
                                            OR (g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, y.scope_path)
                                                AND \(ReportStore.specialtyMatches)))
              AND ($7::uuid IS NULL OR y.id < $7::uuid)
            ORDER BY y.id DESC LIMIT $8
            """, caller.reportParameters + [programID, period, orgID, after, limit + 1]).rows.map(record)
    }

    private static func record(_ r: PGRow) throws -> YearListRow {
        let counts = (try? JSONDecoder().decode([String: Int].self, from: Data(try r.string("counts").utf8))) ?? [:]
        return YearListRow(id: try r.string("id"), orgID: try r.string("org_id"), scopePath: try r.string("scope_path"),
                           period: try r.string("period"), status: try r.string("status"), submittedAt: try r.optionalDate("submitted_at"),
                           updatedAt: try r.date("updated_at"), counts: counts)
    }
}
