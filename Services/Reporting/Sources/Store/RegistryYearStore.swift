import Foundation
import KitCore
import KitPostgres

struct RegistryYearRecord: Sendable {
    let id: String
    let programID: String
    let orgID: String
    let period: String
    let status: String
    let scanDocumentID: String?
    let noCaseRegistries: [String]
    let submittedAt: Date?
}

/// The registry year of an institution (one row per program, institution and period). Every
/// change of its cases locks this row first, so imports, entry and submission are serialised.
enum RegistryYearStore {
    private static let columns = """
        id::text AS id, program_id::text AS program_id, org_id, period, status, scan_document_id::text AS scan,
        no_case_registries, submitted_at
        """

    /// Creates the row when missing and locks it.
    static func lock(_ conn: PGConnection, programID: String, orgID: String, scopePath: String, period: String) throws -> RegistryYearRecord {
        try conn.query("""
            INSERT INTO registry_years (id, program_id, org_id, scope_path, period) VALUES ($1::uuid, $2::uuid, $3, $4, $5)
            ON CONFLICT (program_id, org_id, period) DO NOTHING
            """, [ID.new(), programID, orgID, scopePath, period])
        guard let row = try conn.query("SELECT " + columns + """
             FROM registry_years WHERE program_id = $1::uuid AND org_id = $2 AND period = $3 FOR UPDATE
            """, [programID, orgID, period]).first else { throw PGError(kind: .query, message: "registry year vanished") }
        return try record(row)
    }

    static func find(_ conn: PGConnection, programID: String, orgID: String, period: String) throws -> RegistryYearRecord? {
        try conn.query("SELECT " + columns + " FROM registry_years WHERE program_id = $1::uuid AND org_id = $2 AND period = $3",
                       [programID, orgID, period]).first.map(record)
    }

    static func setScan(_ conn: PGConnection, id: String, documentID: String?) throws {
        try conn.query("UPDATE registry_years SET scan_document_id = $2::uuid, updated_at = now() WHERE id = $1::uuid", [id, documentID])
    }

    static func submit(_ conn: PGConnection, id: String, noCases: [String], by: String) throws {
        try conn.query("""
            UPDATE registry_years SET status = 'submitted', no_case_registries = $2::text[], submitted_at = now(),
                   submitted_by = $3, updated_at = now() WHERE id = $1::uuid
            """, [id, noCases, by])
    }

    /// The program's forms with the institution's report status of the period (nil: none).
    static func summaryForms(_ conn: PGConnection, programID: String, orgID: String, period: String) throws -> [(code: String, name: String, status: String?)] {
        try conn.query("""
            SELECT f.code, f.name, r.status FROM forms f
            LEFT JOIN reports r ON r.form_id = f.id AND r.org_id = $2 AND r.period = $3
            WHERE f.program_id = $1::uuid ORDER BY f.position
            """, [programID, orgID, period]).rows.map { (try $0.string("code"), try $0.string("name"), $0.optionalString("status")) }
    }

    private static func record(_ r: PGRow) throws -> RegistryYearRecord {
        RegistryYearRecord(id: try r.string("id"), programID: try r.string("program_id"), orgID: try r.string("org_id"),
                           period: try r.string("period"), status: try r.string("status"), scanDocumentID: r.optionalString("scan"),
                           noCaseRegistries: try r.stringArray("no_case_registries"), submittedAt: try r.optionalDate("submitted_at"))
    }
}

extension RegistryYearStore {
    /// The document kind a program's year needs attached (stroke: 附件4), nil for none.
    static func scanKind(_ conn: PGConnection, programID: String) throws -> String? {
        try conn.query("SELECT registry_scan_kind FROM programs WHERE id = $1::uuid", [programID]).first?.optionalString("registry_scan_kind")
    }
}

extension RegistryYearStore {
    /// The institution is enrolled in the program under a path one of the caller's reader
    /// grants covers, of the program's specialty if it has one (`$1…$3` the grants).
    static func readable(_ conn: PGConnection, caller: Caller, programID: String, orgID: String) throws -> Bool {
        try conn.query(ReportStore.grants + """
            SELECT 1 FROM enrolments e JOIN programs p ON p.id = e.program_id
            WHERE e.program_id = $4::uuid AND e.org_id = $5
              AND EXISTS (SELECT 1 FROM g WHERE g.role = ANY (p.reader_roles) AND path_covers(g.scope_path, e.scope_path)
                                               AND \(ReportStore.specialtyMatches))
            """, caller.reportParameters + [programID, orgID]).first != nil
    }
}
