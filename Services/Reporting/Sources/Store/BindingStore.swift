import Foundation
import KitCore
import KitPostgres

/// A year row of the old system (绑定既往数据).
struct HistoryRecord: Sendable {
    let id: String
    let programID: String
    let legacyID: String
    let institutionName: String
    let regionName: String
    let scopePath: String
    let headName: String
    let phone: String
    let period: String
    let submitted: Bool
    let enteredAt: Date
    let counts: [String: Int]
    let summary: [String: String]
    let boundOrgID: String?
    let boundAt: Date?
    /// The pending request's institution, if any (someone asked, approval has not decided).
    let pendingOrgID: String?
}

struct BindingRecord: Sendable {
    let id: String
    let recordID: String
    let programID: String
    let orgID: String
    let scopePath: String
    let subjectID: String
    let requestID: String?
    let status: String
    let opinion: String?
    let requestedBy: String
    let requestedByName: String
    let requestedAt: Date
    let decidedAt: Date?
    let unboundAt: Date?
}

/// A program's binding settings (`programs.binding_chain`, `binding_specialty`).
struct BindingSettings: Sendable {
    let chain: String
    let specialty: String?
}

/// History records and binding requests: scope in SQL. `$1…$3` are the caller's grants
/// (`reportParameters`). An institution's binding roles reach unbound records of their own
/// province (the first two segments of the grant's scope path) and the records bound to or
/// requested by their own organisation; reader roles (centres) the records of their region.
enum BindingStore {
    /// The roles that may search, request and unbind for their institution.
    static let binderRoles = ["institution_admin", "specialty_admin"]

    private static let columns = """
        h.id::text AS id, h.program_id::text AS program_id, h.legacy_id, h.institution_name, h.region_name, h.scope_path,
        h.head_name, h.phone, h.period, h.submitted, h.entered_at, h.counts::text AS counts, h.summary::text AS summary,
        h.bound_org_id, h.bound_at,
        (SELECT b.org_id FROM history_bindings b WHERE b.record_id = h.id AND b.status = 'pending') AS pending_org
        """

    /// The grant's province path (86/<province>) covers the record's region.
    private static let ownProvince = """
        (g.role = ANY ($4::text[]) AND path_covers(array_to_string((string_to_array(g.scope_path, '/'))[1:2], '/'), h.scope_path))
        """
    /// The record is the grant's organisation's (bound to it or requested by it).
    private static let ownOrg = """
        (g.role = ANY ($4::text[]) AND (h.bound_org_id = g.org_id
             OR EXISTS (SELECT 1 FROM history_bindings b WHERE b.record_id = h.id AND b.org_id = g.org_id)))
        """
    /// A reader of the program whose grant covers the record's region (the original or the
    /// bound institution's), of the program's specialty if it has one.
    private static let reads = """
        (g.role = ANY (p.reader_roles) AND \(ReportStore.specialtyMatches)
             AND (path_covers(g.scope_path, h.scope_path) OR path_covers(g.scope_path, coalesce(h.bound_scope_path, h.scope_path))))
        """

    static func lockRecord(_ conn: PGConnection, id: String) throws {
        try conn.query("SELECT 1 FROM history_records WHERE id = $1::uuid FOR UPDATE", [id])
    }

    /// Unbound records of the program in the caller's province matching the keyword (institution
    /// name, region, head's name or phone), newest entry first, paged by id.
    static func search(_ conn: PGConnection, caller: Caller, programID: String, keyword: String?, after: String?,
                       limit: Int) throws -> [HistoryRecord] {
        try conn.query(ReportStore.grants + " SELECT " + columns + """
             FROM history_records h JOIN programs p ON p.id = h.program_id
            WHERE h.program_id = $5::uuid AND h.bound_org_id IS NULL
              AND EXISTS (SELECT 1 FROM g WHERE \(ownProvince))
              AND ($6::text IS NULL OR strpos(h.institution_name, $6) > 0 OR strpos(h.region_name, $6) > 0
                   OR strpos(h.head_name, $6) > 0 OR strpos(h.phone, $6) > 0)
              AND ($7::uuid IS NULL OR h.id < $7::uuid)
            ORDER BY h.id DESC LIMIT $8
            """, caller.reportParameters + [binderRoles, programID, keyword, after, limit + 1]).rows.map(record)
    }

    static func searchCount(_ conn: PGConnection, caller: Caller, programID: String, keyword: String?) throws -> Int {
        try conn.query(ReportStore.grants + """
             SELECT count(*)::int AS n FROM history_records h
            WHERE h.program_id = $5::uuid AND h.bound_org_id IS NULL
              AND EXISTS (SELECT 1 FROM g WHERE \(ownProvince))
              AND ($6::text IS NULL OR strpos(h.institution_name, $6) > 0 OR strpos(h.region_name, $6) > 0
                   OR strpos(h.head_name, $6) > 0 OR strpos(h.phone, $6) > 0)
            """, caller.reportParameters + [binderRoles, programID, keyword]).first?.int("n") ?? 0
    }

    /// The record if the caller may see it: unbound in his province, his organisation's, or in
    /// a centre's region. `lock`: FOR UPDATE (a request or unbinding).
    static func visible(_ conn: PGConnection, caller: Caller, id: String, lock: Bool = false) throws -> HistoryRecord? {
        try conn.query(ReportStore.grants + " SELECT " + columns + """
             FROM history_records h JOIN programs p ON p.id = h.program_id
            WHERE h.id = $5::uuid
              AND EXISTS (SELECT 1 FROM g WHERE (\(ownProvince) AND h.bound_org_id IS NULL) OR \(ownOrg) OR \(reads))
            """ + (lock ? " FOR UPDATE OF h" : ""), caller.reportParameters + [binderRoles, id]).first.map(record)
    }

    /// The records bound to the organisation (its past periods from the old system).
    static func bound(_ conn: PGConnection, programID: String, orgID: String) throws -> [HistoryRecord] {
        try conn.query("SELECT " + columns + """
             FROM history_records h WHERE h.program_id = $1::uuid AND h.bound_org_id = $2 ORDER BY h.period DESC, h.entered_at DESC
            """, [programID, orgID]).rows.map(record)
    }

    /// Opens a pending binding; false when another request for the record is pending.
    static func open(_ conn: PGConnection, id: String, record: HistoryRecord, orgID: String, scopePath: String,
                     by: String, byName: String) throws -> BindingRecord? {
        try conn.query("""
            INSERT INTO history_bindings (id, record_id, program_id, org_id, scope_path, subject_id, requested_by, requested_by_name)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8)
            ON CONFLICT (record_id) WHERE status = 'pending' DO NOTHING
            RETURNING \(bindingColumns)
            """, [id, record.id, record.programID, orgID, scopePath, "binding:\(id)", by, byName]).first.map(binding)
    }

    private static let bindingColumns = """
        id::text AS id, record_id::text AS record_id, program_id::text AS program_id, org_id, scope_path, subject_id,
        request_id, status, opinion, requested_by, requested_by_name, requested_at, decided_at, unbound_at
        """

    static func binding(_ conn: PGConnection, id: String, lock: Bool = false) throws -> BindingRecord? {
        try conn.query("SELECT \(bindingColumns) FROM history_bindings WHERE id = $1::uuid" + (lock ? " FOR UPDATE" : ""), [id])
            .first.map(binding)
    }

    static func bySubject(_ conn: PGConnection, subjectID: String, lock: Bool = false) throws -> BindingRecord? {
        try conn.query("SELECT \(bindingColumns) FROM history_bindings WHERE subject_id = $1" + (lock ? " FOR UPDATE" : ""),
                       [subjectID]).first.map(binding)
    }

    /// The organisation's bindings of the program (every request and its state), newest first.
    static func ofOrganisation(_ conn: PGConnection, programID: String, orgID: String) throws -> [BindingRecord] {
        try conn.query("""
            SELECT \(bindingColumns) FROM history_bindings WHERE program_id = $1::uuid AND org_id = $2
            ORDER BY requested_at DESC, id DESC LIMIT 200
            """, [programID, orgID]).rows.map(binding)
    }

    static func bindRequest(_ conn: PGConnection, id: String, requestID: String) throws {
        try conn.query("UPDATE history_bindings SET request_id = $2 WHERE id = $1::uuid AND request_id IS NULL", [id, requestID])
    }

    static func decide(_ conn: PGConnection, id: String, status: String, opinion: String?, by: String?) throws {
        try conn.query("""
            UPDATE history_bindings SET status = $2, opinion = $3, decided_by = $4, decided_at = now() WHERE id = $1::uuid
            """, [id, status, opinion, by])
    }

    /// Binds the record to the organisation; false when it is bound already (to anyone).
    static func bindRecord(_ conn: PGConnection, recordID: String, orgID: String, scopePath: String) throws -> Bool {
        try conn.query("""
            UPDATE history_records SET bound_org_id = $2, bound_scope_path = $3, bound_at = now()
            WHERE id = $1::uuid AND bound_org_id IS NULL
            """, [recordID, orgID, scopePath]).affectedRows == 1
    }

    /// 解绑: the record is unbound again and the binding ends.
    static func unbind(_ conn: PGConnection, binding: BindingRecord, by: String) throws {
        try conn.query("""
            UPDATE history_records SET bound_org_id = NULL, bound_scope_path = NULL, bound_at = NULL
            WHERE id = $1::uuid AND bound_org_id = $2
            """, [binding.recordID, binding.orgID])
        try conn.query("""
            UPDATE history_bindings SET status = 'unbound', unbound_by = $2, unbound_at = now() WHERE id = $1::uuid
            """, [binding.id, by])
    }

    /// The records of a binding list, by id (no scope: the bindings are the caller's own).
    static func records(_ conn: PGConnection, ids: [String]) throws -> [String: HistoryRecord] {
        guard !ids.isEmpty else { return [:] }
        var out: [String: HistoryRecord] = [:]
        for r in try conn.query("SELECT " + columns + " FROM history_records h WHERE h.id = ANY ($1::uuid[])", [ids]).rows.map(record) {
            out[r.id] = r
        }
        return out
    }

    /// Demo rows named after a demo hospital (dev mode, Demo/DemoSeed.swift): two earlier years
    /// of the old system waiting unbound in its city.
    static func seedDemo(_ conn: PGConnection, programCode: String, name: String, scopePath: String, orgID: String) throws {
        let region = scopePath.split(separator: "/").prefix(3).joined(separator: "/")
        try conn.query("""
            INSERT INTO history_records (id, program_id, legacy_id, institution_name, region_name, scope_path, head_name, phone,
                                         period, submitted, entered_at, counts, summary)
            SELECT gen_random_uuid(), p.id, 'demo-' || left($3, 36) || '-' || y.period, $1, '', $2, '王主任', '13800000000',
                   y.period, true, make_timestamptz(y.period::int + 1, 3, 15, 10, 0, 0, 'Asia/Shanghai'),
                   jsonb_build_object('stroke_ivt', y.ivt, 'stroke_evt', y.evt), '{}'::jsonb
            FROM programs p, (VALUES ('2016', 24, 6), ('2017', 31, 9)) AS y(period, ivt, evt)
            WHERE p.code = $4
            ON CONFLICT (program_id, legacy_id) DO NOTHING
            """, [name, region, orgID, programCode])
    }

    private static func record(_ r: PGRow) throws -> HistoryRecord {
        let counts = (try? JSONDecoder().decode([String: Int].self, from: Data(try r.string("counts").utf8))) ?? [:]
        return HistoryRecord(id: try r.string("id"), programID: try r.string("program_id"), legacyID: try r.string("legacy_id"),
                             institutionName: try r.string("institution_name"), regionName: try r.string("region_name"),
                             scopePath: try r.string("scope_path"), headName: try r.string("head_name"), phone: try r.string("phone"),
                             period: try r.string("period"), submitted: try r.bool("submitted"), enteredAt: try r.date("entered_at"),
                             counts: counts, summary: JSONText.decodeObject(try r.string("summary")),
                             boundOrgID: r.optionalString("bound_org_id"), boundAt: try r.optionalDate("bound_at"),
                             pendingOrgID: r.optionalString("pending_org"))
    }

    private static func binding(_ r: PGRow) throws -> BindingRecord {
        BindingRecord(id: try r.string("id"), recordID: try r.string("record_id"), programID: try r.string("program_id"),
                      orgID: try r.string("org_id"), scopePath: try r.string("scope_path"), subjectID: try r.string("subject_id"),
                      requestID: r.optionalString("request_id"), status: try r.string("status"), opinion: r.optionalString("opinion"),
                      requestedBy: try r.string("requested_by"), requestedByName: try r.string("requested_by_name"),
                      requestedAt: try r.date("requested_at"), decidedAt: try r.optionalDate("decided_at"),
                      unboundAt: try r.optionalDate("unbound_at"))
    }
}
