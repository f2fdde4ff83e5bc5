import Foundation
import KitCore
import KitPostgres

/// One rollup figure: an indicator at a region node (summed over a period range).
struct RollupRow: Sendable {
    let node: String
    let depth: Int
    let indicator: String
    let period: String?
    let valueSum: Decimal
    let numerator: Decimal
    let denominator: Decimal
    let institutions: Int
}

/// What the statistics know of an indicator (latest version of the program that has it).
struct StatIndicator: Sendable {
    let code: String
    let name: String
    let category: String
    let unit: String
    let type: String
    let formula: String?
    let factor: Decimal
    let decimals: Int
}

/// Value, quartiles and count of the institutions' values of one indicator and period under a node.
struct Distribution: Sendable {
    let count: Int
    let q1: Double?
    let median: Double?
    let q3: Double?
    let numerator: Decimal
    let denominator: Decimal
    let valueSum: Decimal
}

/// Completeness of one child node (or institution) of a node.
struct CompletenessRow: Sendable {
    let node: String
    let enrolled: Int
    let onTime: Int
    let late: Int
    let missing: Int
}

/// An institution that has not submitted a period.
struct MissingRow: Sendable {
    let orgID: String
    let scopePath: String
    let status: String?
}

struct ReminderRecord: Sendable {
    let id: String
    let programCode: String
    let programName: String
    let formCode: String
    let formName: String
    let period: String
    let message: String
    let sentByName: String
    let sentAt: Date
}

/// All statistics SQL: the rollup maintained with the reports' state changes, its reads (scope
/// in SQL: the caller's grants are `$1…$3`), completeness and reminders.
enum StatsStore {
    /// `[lo, hi)` of the scope paths strictly below `node` in C collation ('/' + 1 = '0').
    static func below(_ node: String) -> (String, String) { (node + "/", node + "0") }

    // MARK: maintenance (same transaction as the state change)

    /// A report went from `from` to `to`: where that changes whether it counts in its program's
    /// statistics (`programs.stats_basis`), its values are added (or subtracted) as delta rows,
    /// one per indicator with the institution's path, in one statement: plain inserts, so
    /// concurrent submissions never wait for each other on the shared nation and province rows.
    /// Reads see rollups + deltas spread over the nodes above each institution (`stat_current`);
    /// `fold` moves the deltas into the rollups. The report's own values go to (or leave)
    /// `stat_values` in the same statement.
    static func reportChanged(_ conn: PGConnection, reportID: String, from: String, to: String) throws {
        try conn.query("""
            WITH r AS (
                SELECT r.id, r.program_id, r.period, r.scope_path, r.org_id, coalesce(p.review_specialty, '') AS specialty,
                       stats_counts(p.stats_basis, p.review_chain IS NOT NULL, $3)::int
                     - stats_counts(p.stats_basis, p.review_chain IS NOT NULL, $2)::int AS sign
                FROM reports r JOIN programs p ON p.id = r.program_id WHERE r.id = $1::uuid),
            vals AS (
                SELECT i.code, i.formula_kind, i.operands, v.num FROM report_values v JOIN indicators i ON i.id = v.indicator_id
                WHERE v.report_id = $1::uuid AND v.num IS NOT NULL AND EXISTS (SELECT 1 FROM r WHERE r.sign <> 0)),
            contrib AS (
                SELECT a.code, a.num, coalesce(n.num, 0) AS numerator, coalesce(d.num, 0) AS denominator
                FROM vals a
                LEFT JOIN vals n ON a.formula_kind = 'ratio' AND n.code = a.operands[1]
                LEFT JOIN vals d ON a.formula_kind = 'ratio' AND d.code = a.operands[2]),
            added AS (
                INSERT INTO stat_values (report_id, program_id, period, indicator_code, scope_path, num)
                SELECT r.id, r.program_id, r.period, c.code, r.scope_path, c.num FROM r CROSS JOIN contrib c WHERE r.sign > 0
                ON CONFLICT (report_id, indicator_code) DO UPDATE SET num = excluded.num),
            removed AS (DELETE FROM stat_values WHERE report_id = $1::uuid AND EXISTS (SELECT 1 FROM r WHERE r.sign < 0))
            INSERT INTO stat_deltas (program_id, indicator_code, period, scope_path, org_id, specialty, value_sum, numerator,
                                     denominator, institutions)
            SELECT r.program_id, c.code, r.period, r.scope_path, r.org_id, r.specialty, r.sign * c.num, r.sign * c.numerator,
                   r.sign * c.denominator, r.sign
            FROM r CROSS JOIN contrib c
            WHERE r.sign <> 0
            """, [reportID, from, to])
    }

    /// Folds the deltas into the rollups (one folder at a time); the number of rollup rows
    /// written.
    @discardableResult
    static func fold(_ conn: PGConnection) throws -> Int {
        try conn.query("SELECT stats_fold() AS n").first?.int("n") ?? 0
    }

    /// Folds at most `limit` deltas (the oldest) into the rollups in one short statement
    /// (migration 011); the number of deltas moved (fewer than `limit`: nothing left, or
    /// another folder holds the lock).
    static func foldBatch(_ conn: PGConnection, limit: Int) throws -> Int {
        try conn.query("SELECT stats_fold_batch($1::int) AS n", [limit]).first?.int("n") ?? 0
    }

    // MARK: scope

    /// The caller's grants (`$1…$3` = `caller.reportParameters`), each with its specialty: a
    /// specialty program's figures are read by grants of that specialty only, like its reports.
    private static let grants = ReportStore.grants

    /// True when one of the caller's reader grants of the program covers `node` (`roles`:
    /// restrict to those roles too, e.g. centres for reminders).
    static func reads(_ conn: PGConnection, caller: Caller, programID: String, node: String,
                      roles: [String]? = nil) throws -> Bool {
        try conn.query(grants + """
             SELECT EXISTS (SELECT 1 FROM g JOIN programs p ON p.id = $4::uuid
                            WHERE g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, $5)
                              AND \(ReportStore.specialtyMatches)
                              AND ($6::text[] IS NULL OR g.role = ANY ($6::text[]))) AS ok
            """, caller.reportParameters + [programID, node, roles]).first?.bool("ok") ?? false
    }

    private static let readable = """
        EXISTS (SELECT 1 FROM g JOIN programs p ON p.id = $4::uuid
                WHERE g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, $5) AND \(ReportStore.specialtyMatches))
        """

    // MARK: reads

    /// The indicators of a program (numbers only), latest version first for a code.
    static func indicators(_ conn: PGConnection, programID: String) throws -> [StatIndicator] {
        try conn.query("""
            SELECT * FROM (
                SELECT DISTINCT ON (i.code) i.code, i.name, i.category, i.unit, i.type, i.formula_kind,
                       i.factor::text AS factor, i.decimals, f.position AS form_position, i.position
                FROM indicators i JOIN form_versions v ON v.id = i.version_id JOIN forms f ON f.id = v.form_id
                WHERE f.program_id = $1::uuid AND i.type IN ('integer', 'decimal', 'percent')
                ORDER BY i.code, v.first_period DESC) x
            ORDER BY form_position, position, code
            """, [programID]).rows.map { r in
            StatIndicator(code: try r.string("code"), name: try r.string("name"), category: try r.string("category"),
                          unit: try r.string("unit"), type: try r.string("type"), formula: r.optionalString("formula_kind"),
                          factor: Decimal(string: try r.string("factor")) ?? 100, decimals: try r.int("decimals"))
        }
    }

    /// The node itself and its children (one segment deeper), each indicator summed over the
    /// periods `from…to` (keys of one program compare as text); `institutions` is the largest
    /// number behind a period's figure. Empty when the caller does not read the node.
    static func rollup(_ conn: PGConnection, caller: Caller, programID: String, node: String, depth: Int, from: String,
                       to: String, indicator: String?) throws -> [RollupRow] {
        let (lo, hi) = below(node)
        return try conn.query(grants + """
             SELECT node_path, depth, indicator_code, sum(vs)::text AS value_sum, sum(nu)::text AS numerator,
                    sum(de)::text AS denominator, max(inst) AS institutions
             FROM (SELECT s.node_path, s.depth, s.indicator_code, s.period, sum(s.value_sum) AS vs, sum(s.numerator) AS nu,
                          sum(s.denominator) AS de, sum(s.institutions) AS inst
                   FROM stat_current s
                   WHERE \(readable) AND s.program_id = $4::uuid AND s.period BETWEEN $6 AND $7
                     AND ((s.depth = $8::int AND s.node_path = $5) OR (s.depth = $8::int + 1 AND s.node_path >= $9 AND s.node_path < $10))
                     AND ($11::text IS NULL OR s.indicator_code = $11)
                   GROUP BY s.node_path, s.depth, s.indicator_code, s.period
                   HAVING sum(s.institutions) > 0) x
             GROUP BY node_path, depth, indicator_code
             ORDER BY depth, node_path, indicator_code
            """, caller.reportParameters + [programID, node, from, to, depth, lo, hi, indicator]).rows.map { try rollupRow($0, period: false) }
    }

    /// One indicator at one node, per period of `from…to`.
    static func trend(_ conn: PGConnection, caller: Caller, programID: String, node: String, from: String, to: String,
                      indicator: String) throws -> [RollupRow] {
        try conn.query(grants + """
             SELECT s.node_path, s.depth, s.indicator_code, s.period, sum(s.value_sum)::text AS value_sum,
                    sum(s.numerator)::text AS numerator, sum(s.denominator)::text AS denominator, sum(s.institutions) AS institutions
             FROM stat_current s
             WHERE \(readable) AND s.program_id = $4::uuid AND s.indicator_code = $8 AND s.node_path = $5
               AND s.period BETWEEN $6 AND $7
             GROUP BY s.node_path, s.depth, s.indicator_code, s.period
             HAVING sum(s.institutions) > 0
             ORDER BY s.period
            """, caller.reportParameters + [programID, node, from, to, indicator]).rows.map { try rollupRow($0, period: true) }
    }

    /// The caller's institution's own value of an indicator and period (its own report only).
    static func ownValue(_ conn: PGConnection, orgID: String, programID: String, period: String, indicator: String) throws -> Decimal? {
        try conn.query("""
            SELECT v.num::text AS num FROM reports r
            JOIN indicators i ON i.version_id = r.version_id AND i.code = $4
            JOIN report_values v ON v.report_id = r.id AND v.indicator_id = i.id
            WHERE r.program_id = $1::uuid AND r.org_id = $2 AND r.period = $3 AND v.num IS NOT NULL
            LIMIT 1
            """, [programID, orgID, period, indicator]).first?.optionalString("num").flatMap { Decimal(string: $0) }
    }

    /// Quartiles (percentile_cont) of the counted institutions' values of an indicator and
    /// period under `node` (`stat_values`, one index range), with the pooled parts from the rollup. Only aggregates leave here,
    /// so a hospital may ask for its province and the nation.
    static func distribution(_ conn: PGConnection, programID: String, period: String, node: String,
                             indicator: String) throws -> Distribution {
        let (lo, hi) = below(node)
        let row = try conn.query("""
            WITH x AS (
                SELECT v.num FROM stat_values v
                WHERE v.program_id = $1::uuid AND v.period = $2 AND v.indicator_code = $5
                  AND v.scope_path >= $3 AND v.scope_path < $4)
            SELECT count(*) AS n,
                   percentile_cont(0.25) WITHIN GROUP (ORDER BY num)::float8 AS q1,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY num)::float8 AS median,
                   percentile_cont(0.75) WITHIN GROUP (ORDER BY num)::float8 AS q3,
                   (SELECT coalesce(sum(s.numerator), 0)::text FROM stat_current s WHERE s.program_id = $1::uuid AND s.period = $2
                      AND s.node_path = $6 AND s.indicator_code = $5) AS numerator,
                   (SELECT coalesce(sum(s.denominator), 0)::text FROM stat_current s WHERE s.program_id = $1::uuid AND s.period = $2
                      AND s.node_path = $6 AND s.indicator_code = $5) AS denominator,
                   (SELECT coalesce(sum(s.value_sum), 0)::text FROM stat_current s WHERE s.program_id = $1::uuid AND s.period = $2
                      AND s.node_path = $6 AND s.indicator_code = $5) AS value_sum
            FROM x
            """, [programID, period, lo, hi, indicator, node]).first
        guard let row else { return Distribution(count: 0, q1: nil, median: nil, q3: nil, numerator: 0, denominator: 0, valueSum: 0) }
        func opt(_ c: String) -> Double? { row.optionalString(c).flatMap(Double.init) }
        return Distribution(count: try row.int("n"), q1: opt("q1"), median: opt("median"), q3: opt("q3"),
                            numerator: Decimal(string: try row.string("numerator")) ?? 0,
                            denominator: Decimal(string: try row.string("denominator")) ?? 0,
                            valueSum: Decimal(string: try row.string("value_sum")) ?? 0)
    }

    // MARK: completeness

    private static let submittedStatuses = "('submitted', 'under_review', 'accepted')"

    /// Per child of `node` (one segment deeper): enrolled institutions, submitted on time
    /// (before `closesAt`; all when nil), late, not at all. Empty when the caller does not read
    /// the node.
    static func completeness(_ conn: PGConnection, caller: Caller, programID: String, formID: String, period: String,
                             node: String, depth: Int, closesAt: Date?) throws -> [CompletenessRow] {
        let (lo, hi) = below(node)
        return try conn.query(grants + """
            , x AS (
                SELECT array_to_string((string_to_array(e.scope_path, '/'))[1:$8::int + 1], '/') AS child, r.status, r.submitted_at
                FROM enrolments e
                LEFT JOIN reports r ON r.form_id = $6::uuid AND r.org_id = e.org_id AND r.period = $7
                WHERE \(readable) AND e.program_id = $4::uuid AND (e.scope_path COLLATE "C") >= $9 AND (e.scope_path COLLATE "C") < $10)
            SELECT child, count(*) AS enrolled,
                   count(*) FILTER (WHERE status IN \(submittedStatuses) AND ($11::timestamptz IS NULL OR submitted_at < $11)) AS on_time,
                   count(*) FILTER (WHERE status IN \(submittedStatuses) AND submitted_at >= $11) AS late,
                   count(*) FILTER (WHERE status IS NULL OR status NOT IN \(submittedStatuses)) AS missing
            FROM x GROUP BY child ORDER BY child
            """, caller.reportParameters + [programID, node, formID, period, depth, lo, hi, closesAt]).rows.map { r in
            CompletenessRow(node: try r.string("child"), enrolled: try r.int("enrolled"), onTime: try r.int("on_time"),
                            late: try r.int("late"), missing: try r.int("missing"))
        }
    }

    /// Enrolled institutions under `node` without a submitted report of the form and period.
    static func missing(_ conn: PGConnection, caller: Caller, programID: String, formID: String, period: String,
                        node: String, limit: Int) throws -> [MissingRow] {
        let (lo, hi) = below(node)
        return try conn.query(grants + """
             SELECT e.org_id, e.scope_path, r.status
             FROM enrolments e
             LEFT JOIN reports r ON r.form_id = $6::uuid AND r.org_id = e.org_id AND r.period = $7
             WHERE \(readable) AND e.program_id = $4::uuid AND (e.scope_path COLLATE "C") >= $8 AND (e.scope_path COLLATE "C") < $9
               AND (r.status IS NULL OR r.status NOT IN \(submittedStatuses))
             ORDER BY e.scope_path LIMIT $10::int
            """, caller.reportParameters + [programID, node, formID, period, lo, hi, limit]).rows.map { r in
            MissingRow(orgID: try r.string("org_id"), scopePath: try r.string("scope_path"), status: r.optionalString("status"))
        }
    }

    // MARK: reminders

    /// Records a reminder for every institution under `node` that has not submitted; the
    /// number recorded.
    static func remind(_ conn: PGConnection, caller: Caller, programID: String, formID: String, period: String, node: String,
                       message: String, senderOrg: String) throws -> [String] {
        let (lo, hi) = below(node)
        return try conn.query(grants + """
             INSERT INTO stat_reminders (id, program_id, form_id, period, org_id, scope_path, message, sent_by, sent_by_org, sent_by_name)
             SELECT gen_random_uuid(), $4::uuid, $6::uuid, $7, e.org_id, e.scope_path, $10, $11, $12, $13
             FROM enrolments e
             LEFT JOIN reports r ON r.form_id = $6::uuid AND r.org_id = e.org_id AND r.period = $7
             WHERE \(readable) AND e.program_id = $4::uuid AND (e.scope_path COLLATE "C") >= $8 AND (e.scope_path COLLATE "C") < $9
               AND (r.status IS NULL OR r.status NOT IN \(submittedStatuses))
             RETURNING org_id
            """, caller.reportParameters + [programID, node, formID, period, lo, hi, message, caller.id, senderOrg, caller.name])
            .rows.map { try $0.string("org_id") }
    }

    /// Reminders sent to the institutions `orgIDs` (of one program when `program` is set: a
    /// program-bound token), newest first.
    static func reminders(_ conn: PGConnection, orgIDs: [String], program: String?, limit: Int) throws -> [ReminderRecord] {
        try conn.query("""
            SELECT m.id::text AS id, p.code AS program_code, p.name AS program_name, f.code AS form_code, f.name AS form_name,
                   m.period, m.message, m.sent_by_name, m.sent_at
            FROM stat_reminders m JOIN programs p ON p.id = m.program_id JOIN forms f ON f.id = m.form_id
            WHERE m.org_id = ANY ($1::text[]) AND ($3::text IS NULL OR p.code = $3) ORDER BY m.sent_at DESC LIMIT $2
            """, [orgIDs, limit, program]).rows.map { r in
            ReminderRecord(id: try r.string("id"), programCode: try r.string("program_code"),
                           programName: try r.string("program_name"), formCode: try r.string("form_code"),
                           formName: try r.string("form_name"), period: try r.string("period"), message: try r.string("message"),
                           sentByName: try r.string("sent_by_name"), sentAt: try r.date("sent_at"))
        }
    }

    private static func rollupRow(_ r: PGRow, period: Bool) throws -> RollupRow {
        RollupRow(node: try r.string("node_path"), depth: try r.int("depth"), indicator: try r.string("indicator_code"),
                  period: period ? try r.string("period") : nil,
                  valueSum: Decimal(string: try r.string("value_sum")) ?? 0,
                  numerator: Decimal(string: try r.string("numerator")) ?? 0,
                  denominator: Decimal(string: try r.string("denominator")) ?? 0,
                  institutions: try r.int("institutions"))
    }
}
