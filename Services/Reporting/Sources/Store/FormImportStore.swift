import Foundation
import KitCore
import KitPostgres

/// A form template's dry run as stored (the JSON columns as text).
struct FormImportRecord: Sendable {
    let id: String
    let reportID: String
    let orgID: String
    let versionID: String
    let seen: String
    let comments: String
    let answer: String
    let status: String
    let expired: Bool
}

/// Form template imports (`form_imports`, migration 014): the dry run kept for its commit.
enum FormImportStore {
    static let lifetime = "1 day"

    static func create(_ conn: PGConnection, id: String, reportID: String, orgID: String, versionID: String, clearBlanks: Bool,
                       fileName: String, seen: String, changes: String, comments: String, answer: String, by: String) throws {
        // old dry runs of the report are no use any more
        try conn.query("DELETE FROM form_imports WHERE report_id = $1::uuid AND status = 'dry_run' AND created_at < now() - $2::interval",
                       [reportID, lifetime])
        try conn.query("""
            INSERT INTO form_imports (id, report_id, org_id, version_id, clear_blanks, file_name, seen, changes, comments, answer, created_by)
            VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11)
            """, [id, reportID, orgID, versionID, clearBlanks, fileName, seen, changes, comments, answer, by])
    }

    private static let columns = """
        id::text AS id, report_id::text AS report_id, org_id, version_id::text AS version_id, seen::text AS seen,
        comments::text AS comments, answer::text AS answer, status, created_at < now() - $3::interval AS expired
        """

    /// The institution's own import (another institution's is not found).
    static func find(_ conn: PGConnection, id: String, orgID: String) throws -> FormImportRecord? {
        try conn.query("SELECT \(columns) FROM form_imports WHERE id = $1::uuid AND org_id = $2", [id, orgID, lifetime])
            .first.map(record)
    }

    static func lock(_ conn: PGConnection, id: String, orgID: String) throws -> FormImportRecord? {
        try conn.query("SELECT \(columns) FROM form_imports WHERE id = $1::uuid AND org_id = $2 FOR UPDATE", [id, orgID, lifetime])
            .first.map(record)
    }

    static func committed(_ conn: PGConnection, id: String, answer: String) throws {
        try conn.query("UPDATE form_imports SET status = 'committed', committed_at = now(), answer = $2::jsonb WHERE id = $1::uuid",
                       [id, answer])
    }

    private static func record(_ r: PGRow) throws -> FormImportRecord {
        FormImportRecord(id: try r.string("id"), reportID: try r.string("report_id"), orgID: try r.string("org_id"),
                         versionID: try r.string("version_id"), seen: try r.string("seen"),
                         comments: try r.string("comments"), answer: try r.string("answer"), status: try r.string("status"),
                         expired: try r.bool("expired"))
    }
}
