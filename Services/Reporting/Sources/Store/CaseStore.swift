import Foundation
import KitCore
import KitPostgres

/// A stored case.
struct CaseRecord: Sendable {
    let id: String
    let registryID: String
    let orgID: String
    let period: String
    let admissionNo: String
    let data: [String: String]
    let personal: [String: String]
    let digest: [String: String]
    let revision: Int
    let source: String
    let createdAt: Date
    let updatedAt: Date
}

/// The filters of a case list or export.
struct CaseQuery: Sendable {
    var registryID: String
    var period: String
    /// Admission number: exact or prefix.
    var admission: String?
    /// Field code → exact normalised value (`data @> filters`).
    var filters: [String: String] = [:]
    var orgID: String?
}

/// Cases: scope in SQL on every read and write, like reports. `$1…$3` are the caller's
/// grants with their specialties (`reportParameters`): the program's entry roles reach their own organisation's cases, reader roles
/// their subtree's (prefix match on the scope path).
enum CaseStore {
    private static let grants = ReportStore.grants
    static let enters = "(g.role = ANY (p.entry_roles) AND g.org_id = c.org_id)"
    /// A specialty program's cases (NCCQI) are read by grants of that specialty only, like its reports.
    static let reads = "(g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, c.scope_path) AND \(ReportStore.specialtyMatches))"
    private static let columns = """
        c.id::text AS id, c.registry_id::text AS registry_id, c.org_id, c.period, c.admission_no, c.data::text AS data,
        c.personal::text AS personal, c.personal_digest::text AS digest, c.revision, c.source, c.created_at, c.updated_at
        """

    /// `$4…$9` of the list filters.
    private static let filterSQL = """
        c.registry_id = $4::uuid AND c.period = $5
          AND ($6::text IS NULL OR starts_with(c.admission_no, $6))
          AND c.data @> $7::jsonb AND ($8::text IS NULL OR c.org_id = $8)
          AND EXISTS (SELECT 1 FROM g WHERE \(enters) OR \(reads))
        """

    private static func filterParameters(_ q: CaseQuery) -> [PGBindable?] {
        [q.registryID, q.period, q.admission, JSONText.object(q.filters), q.orgID]
    }

    static func list(_ conn: PGConnection, caller: Caller, query q: CaseQuery, after: String?, limit: Int) throws -> [CaseRecord] {
        try conn.query(grants + " SELECT " + columns + """
             FROM cases c JOIN programs p ON p.id = c.program_id
            WHERE \(filterSQL) AND ($9::uuid IS NULL OR c.id < $9::uuid)
            ORDER BY c.id DESC LIMIT $10
            """, caller.reportParameters + filterParameters(q) + [after, limit + 1]).rows.map(record)
    }

    static func count(_ conn: PGConnection, caller: Caller, query q: CaseQuery) throws -> Int {
        try conn.query(grants + " SELECT count(*)::int AS n FROM cases c JOIN programs p ON p.id = c.program_id WHERE " + filterSQL,
                       caller.reportParameters + filterParameters(q)).first?.int("n") ?? 0
    }

    /// Every matching case (exports), oldest first, in batches of `batch` after `after`.
    static func batch(_ conn: PGConnection, caller: Caller, query q: CaseQuery, after: String?, batch: Int) throws -> [CaseRecord] {
        try conn.query(grants + " SELECT " + columns + """
             FROM cases c JOIN programs p ON p.id = c.program_id
            WHERE \(filterSQL) AND ($9::uuid IS NULL OR c.id > $9::uuid)
            ORDER BY c.id LIMIT $10
            """, caller.reportParameters + filterParameters(q) + [after, batch]).rows.map(record)
    }

    /// The case if the caller may see it, and whether he enters for it.
    static func visible(_ conn: PGConnection, caller: Caller, id: String, lock: Bool = false) throws -> (CaseRecord, Bool)? {
        guard let row = try conn.query(grants + " SELECT " + columns + """
            , a.enters FROM cases c JOIN programs p ON p.id = c.program_id,
            LATERAL (SELECT coalesce(bool_or(\(enters)), false) AS enters, coalesce(bool_or(\(reads)), false) AS reads FROM g) a
            WHERE c.id = $4::uuid AND (a.enters OR a.reads)
            """ + (lock ? " FOR UPDATE OF c" : ""), caller.reportParameters + [id]).first else { return nil }
        return (try record(row), try row.bool("enters"))
    }

    /// The case holding an admission number in the institution's program and period, any list.
    static func byAdmission(_ conn: PGConnection, programID: String, orgID: String, period: String,
                            admissionNo: String) throws -> CaseRecord? {
        try conn.query("SELECT " + columns + """
             FROM cases c WHERE c.program_id = $1::uuid AND c.org_id = $2 AND c.period = $3 AND c.admission_no = $4
            """, [programID, orgID, period, admissionNo]).first.map(record)
    }

    static func insert(_ conn: PGConnection, id: String, registryID: String, programID: String, orgID: String,
                       scopePath: String, period: String, admissionNo: String, data: [String: String],
                       personal: [String: String], digest: [String: String], by: String) throws -> Bool {
        try conn.query("""
            INSERT INTO cases (id, registry_id, program_id, org_id, scope_path, period, admission_no, data, personal,
                               personal_digest, created_by, updated_by)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $11)
            ON CONFLICT (program_id, org_id, period, admission_no) DO NOTHING
            """, [id, registryID, programID, orgID, scopePath, period, admissionNo, JSONText.object(data),
                  JSONText.object(personal), JSONText.object(digest), by]).affectedRows == 1
    }

    static func update(_ conn: PGConnection, id: String, data: [String: String], personal: [String: String],
                       digest: [String: String], by: String) throws {
        try conn.query("""
            UPDATE cases SET data = $2::jsonb, personal = $3::jsonb, personal_digest = $4::jsonb, revision = revision + 1,
                   updated_by = $5, updated_at = now() WHERE id = $1::uuid
            """, [id, JSONText.object(data), JSONText.object(personal), JSONText.object(digest), by])
    }

    static func delete(_ conn: PGConnection, id: String) throws {
        try conn.query("DELETE FROM cases WHERE id = $1::uuid", [id])
    }

    /// Cases per registry code of an institution's period.
    static func counts(_ conn: PGConnection, programID: String, orgID: String, period: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for r in try conn.query("""
            SELECT r.code, count(*)::int AS n FROM cases c JOIN registries r ON r.id = c.registry_id
            WHERE c.program_id = $1::uuid AND c.org_id = $2 AND c.period = $3 GROUP BY r.code
            """, [programID, orgID, period]).rows {
            out[try r.string("code")] = try r.int("n")
        }
        return out
    }

    static func record(_ r: PGRow) throws -> CaseRecord {
        CaseRecord(id: try r.string("id"), registryID: try r.string("registry_id"), orgID: try r.string("org_id"),
                   period: try r.string("period"), admissionNo: try r.string("admission_no"),
                   data: JSONText.decodeObject(try r.string("data")), personal: JSONText.decodeObject(try r.string("personal")),
                   digest: JSONText.decodeObject(try r.string("digest")), revision: try r.int("revision"),
                   source: try r.string("source"), createdAt: try r.date("created_at"), updatedAt: try r.date("updated_at"))
    }
}

/// jsonb objects of strings, both ways.
enum JSONText {
    /// `{"k":"v",…}` with sorted keys (JSON string escapes for quotes, backslashes and controls).
    static func object(_ d: [String: String]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(16 * d.count + 2)
        out.append(UInt8(ascii: "{"))
        for (i, key) in d.keys.sorted().enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(key, into: &out)
            out.append(UInt8(ascii: ":"))
            string(d[key]!, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func decodeObject(_ s: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(s.utf8))) ?? [:]
    }
}
