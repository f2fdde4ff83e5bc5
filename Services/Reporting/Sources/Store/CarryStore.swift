import Foundation
import KitCore
import KitPostgres

/// SQL of the carry-over of a form's values between periods (Migrations/008_checks.sql).
enum CarryStore {
    /// The institution's last accepted report of the same form before `r`'s period, when the
    /// form carries over.
    static func source(_ conn: PGConnection, report r: ReportRecord) throws -> (id: String, period: String)? {
        guard let row = try conn.query("""
            SELECT s.id::text AS id, s.period FROM forms f JOIN reports s ON s.form_id = f.id
            WHERE f.id = $1::uuid AND f.carry_over AND s.org_id = $2 AND s.period < $3 AND s.status = 'accepted'
            ORDER BY s.period DESC LIMIT 1
            """, [r.formID, r.orgID, r.period]).rows.first else { return nil }
        return (try row.string("id"), try row.string("period"))
    }

    /// The entered (not computed) values of `from` that `versionID` has an indicator for (by
    /// code), as changes for the new report.
    static func values(_ conn: PGConnection, from: String, versionID: String) throws -> [ValueStore.Change] {
        try conn.query("""
            SELECT n.id::text AS ind, v.num::text AS num, v.txt
            FROM report_values v JOIN indicators o ON o.id = v.indicator_id
            JOIN indicators n ON n.version_id = $2::uuid AND n.code = o.code AND n.formula_kind IS NULL
            WHERE v.report_id = $1::uuid
            ORDER BY n.position
            """, [from, versionID]).rows.map {
            ValueStore.Change(indicatorID: try $0.string("ind"), old: nil,
                              new: StoredValue(num: $0.optionalString("num").flatMap { Decimal(string: $0) }, txt: $0.optionalString("txt")))
        }
    }

    static func mark(_ conn: PGConnection, reportID: String, indicatorIDs: [String], from: String) throws {
        guard !indicatorIDs.isEmpty else { return }
        try conn.query("""
            INSERT INTO carried_values (report_id, indicator_id, from_report_id)
            SELECT $1::uuid, x, $3::uuid FROM unnest($2::uuid[]) AS x ON CONFLICT DO NOTHING
            """, [reportID, indicatorIDs, from])
    }

    /// code → the period it was carried from, for the values not yet confirmed.
    static func carried(_ conn: PGConnection, reportID: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try conn.query("""
            SELECT i.code, s.period FROM carried_values c JOIN indicators i ON i.id = c.indicator_id
            JOIN reports s ON s.id = c.from_report_id WHERE c.report_id = $1::uuid
            """, [reportID]).rows {
            out[try row.string("code")] = try row.string("period")
        }
        return out
    }

    /// Confirms (unmarks) the values of `codes`.
    static func confirm(_ conn: PGConnection, reportID: String, codes: [String]) throws {
        guard !codes.isEmpty else { return }
        try conn.query("""
            DELETE FROM carried_values c USING indicators i
            WHERE c.report_id = $1::uuid AND i.id = c.indicator_id AND i.code = ANY ($2::text[])
            """, [reportID, codes])
    }
}
