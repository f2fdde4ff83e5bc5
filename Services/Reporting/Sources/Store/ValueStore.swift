import Foundation
import KitCore
import KitPostgres

/// One entry of a report's edit log.
struct EditRecord: Sendable {
    let id: String
    let indicatorCode: String
    let indicatorName: String
    let actorID: String
    let actorName: String
    let source: String
    let old: StoredValue
    let new: StoredValue
    let at: Date
}

/// A report's values (one narrow table keyed by report and indicator) and their edit log.
enum ValueStore {
    /// code → value of the report.
    static func values(_ conn: PGConnection, reportID: String) throws -> [String: StoredValue] {
        var out: [String: StoredValue] = [:]
        for r in try conn.query("""
            SELECT i.code, v.num::text AS num, v.txt FROM report_values v JOIN indicators i ON i.id = v.indicator_id
            WHERE v.report_id = $1::uuid
            """, [reportID]).rows {
            out[try r.string("code")] = StoredValue(num: r.optionalString("num").flatMap { Decimal(string: $0) },
                                                    txt: r.optionalString("txt"))
        }
        return out
    }

    /// One change of one value (for `writeAll`).
    struct Change {
        let indicatorID: String
        let old: StoredValue?
        let new: StoredValue?
    }

    /// Writes many changes and their edit-log rows in three statements (values set, values
    /// cleared, edit rows in the order given).
    static func writeAll(_ conn: PGConnection, reportID: String, changes: [Change], actorID: String, actorName: String,
                         source: String) throws {
        guard !changes.isEmpty else { return }
        let set = changes.filter { $0.new != nil }
        if !set.isEmpty {
            try conn.query("""
                INSERT INTO report_values (report_id, indicator_id, num, txt, updated_by)
                SELECT $1::uuid, x.i, x.n, x.t, $5 FROM unnest($2::uuid[], $3::numeric[], $4::text[]) AS x(i, n, t)
                ON CONFLICT (report_id, indicator_id) DO UPDATE SET num = excluded.num, txt = excluded.txt,
                    updated_by = excluded.updated_by, updated_at = now()
                """, [reportID, set.map(\.indicatorID), set.map { $0.new?.num?.description }, set.map { $0.new?.txt }, actorID])
        }
        let cleared = changes.filter { $0.new == nil }.map(\.indicatorID)
        if !cleared.isEmpty {
            try conn.query("DELETE FROM report_values WHERE report_id = $1::uuid AND indicator_id = ANY ($2::uuid[])",
                           [reportID, cleared])
        }
        try conn.query("""
            INSERT INTO value_edits (id, report_id, indicator_id, actor_id, actor_name, source, old_num, old_txt, new_num, new_txt)
            SELECT x.eid, $1::uuid, x.ind, $2, $3, $4, x.old_n, x.old_t, x.new_n, x.new_t
            FROM unnest($5::uuid[], $6::uuid[], $7::numeric[], $8::text[], $9::numeric[], $10::text[]) WITH ORDINALITY
                 AS x(eid, ind, old_n, old_t, new_n, new_t, k)
            ORDER BY x.k
            """, [reportID, actorID, actorName, source, changes.map { _ in ID.new() }, changes.map(\.indicatorID),
                  changes.map { $0.old?.num?.description }, changes.map { $0.old?.txt },
                  changes.map { $0.new?.num?.description }, changes.map { $0.new?.txt }])
    }

    /// The edit log in the order of the changes, `limit + 1` rows after the entry `after`.
    static func edits(_ conn: PGConnection, reportID: String, after: String?, limit: Int) throws -> [EditRecord] {
        try conn.query("""
            SELECT e.id::text AS id, i.code, i.name, e.actor_id, e.actor_name, e.source, e.old_num::text AS old_num, e.old_txt,
                   e.new_num::text AS new_num, e.new_txt, e.at
            FROM value_edits e JOIN indicators i ON i.id = e.indicator_id
            WHERE e.report_id = $1::uuid
              AND ($2::uuid IS NULL OR e.seq > (SELECT c.seq FROM value_edits c WHERE c.id = $2::uuid AND c.report_id = $1::uuid))
            ORDER BY e.seq LIMIT $3
            """, [reportID, after, limit + 1]).rows.map { r in
            EditRecord(id: try r.string("id"), indicatorCode: try r.string("code"), indicatorName: try r.string("name"),
                       actorID: try r.string("actor_id"), actorName: try r.string("actor_name"), source: try r.string("source"),
                       old: StoredValue(num: r.optionalString("old_num").flatMap { Decimal(string: $0) }, txt: r.optionalString("old_txt")),
                       new: StoredValue(num: r.optionalString("new_num").flatMap { Decimal(string: $0) }, txt: r.optionalString("new_txt")),
                       at: try r.date("at"))
        }
    }
}
