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

    /// Writes (or with nil, removes) one value and its edit-log row.
    static func write(_ conn: PGConnection, reportID: String, indicatorID: String, old: StoredValue?, new: StoredValue?,
                      actorID: String, actorName: String, source: String) throws {
        if let new {
            try conn.query("""
                INSERT INTO report_values (report_id, indicator_id, num, txt, updated_by) VALUES ($1::uuid, $2::uuid, $3::numeric, $4, $5)
                ON CONFLICT (report_id, indicator_id) DO UPDATE SET num = excluded.num, txt = excluded.txt,
                    updated_by = excluded.updated_by, updated_at = now()
                """, [reportID, indicatorID, new.num?.description, new.txt, actorID])
        } else {
            try conn.query("DELETE FROM report_values WHERE report_id = $1::uuid AND indicator_id = $2::uuid",
                           [reportID, indicatorID])
        }
        try conn.query("""
            INSERT INTO value_edits (id, report_id, indicator_id, actor_id, actor_name, source, old_num, old_txt, new_num, new_txt)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7::numeric, $8, $9::numeric, $10)
            """, [ID.new(), reportID, indicatorID, actorID, actorName, source, old?.num?.description, old?.txt,
                  new?.num?.description, new?.txt])
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
