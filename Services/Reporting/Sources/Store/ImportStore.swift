import Foundation
import KitCore
import KitPostgres

struct ImportRecord: Sendable {
    let id: String
    let registryID: String
    let programID: String
    let orgID: String
    let scopePath: String
    let period: String
    let mode: String
    let clearBlanks: Bool
    /// How the dry run staged the rows: `rows` (`import_rows`) or `cases` (`import_copies`).
    let staged: String
    let status: String
    let summary: String
    let problems: String
    let createdAt: Date
}

/// Imports: the staged rows are loaded with COPY and classified and merged set-based.
enum ImportStore {
    /// Staged dry runs are kept this long.
    static let lifetime = "1 day"

    static func create(_ conn: PGConnection, id: String, registryID: String, programID: String, orgID: String, scopePath: String,
                       period: String, mode: String, clearBlanks: Bool, fileName: String, sha256: String, staged: String,
                       by: String) throws {
        try conn.query("""
            INSERT INTO imports (id, registry_id, program_id, org_id, scope_path, period, mode, clear_blanks, file_name,
                                 file_sha256, summary, staged, created_by)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, $10, '{}', $11, $12)
            """, [id, registryID, programID, orgID, scopePath, period, mode, clearBlanks, fileName, sha256, staged, by])
    }

    /// Forgets the staged rows of old dry runs and committed imports (their import rows stay as a record).
    static func expire(_ conn: PGConnection) throws {
        try conn.query("""
            DELETE FROM import_rows WHERE import_id IN
              (SELECT id FROM imports WHERE status <> 'dry_run' OR created_at < now() - $1::interval)
            """, [lifetime])
        try conn.query("""
            DELETE FROM import_copies WHERE import_id IN
              (SELECT id FROM imports WHERE status <> 'dry_run' OR created_at < now() - $1::interval)
            """, [lifetime])
    }

    /// Whether the institution has cases of the program and period (else an import only creates).
    static func hasCases(_ conn: PGConnection, programID: String, orgID: String, period: String) throws -> Bool {
        try conn.query("SELECT EXISTS (SELECT 1 FROM cases WHERE program_id = $1::uuid AND org_id = $2 AND period = $3) AS e",
                       [programID, orgID, period]).first?.bool("e") ?? false
    }

    /// Loads the staged rows (COPY text built by `Imports.RowWriter`, escaped there).
    static func stage(_ conn: PGConnection, text: [[UInt8]], rows: Int, analyze: Bool) throws -> Int {
        let copied = try conn.copyIn("""
            COPY import_rows (import_id, row_no, case_id, admission_no, data, personal, personal_digest, missing, action) FROM STDIN
            """, text: text)
        guard copied == rows else { throw PGError(kind: .query, message: "import staging copied \(copied) of \(rows) rows") }
        // Fresh statistics, so that the classification joins through the indexes (without them
        // the planner takes the staged rows for a handful and a re-import of 10,000 known
        // numbers takes minutes: measured). ANALYZE takes a lock that serialises concurrent
        // ones, so small files (the common case, planned well anyway) skip it, and so do files
        // of an institution without cases of the period (nothing to classify).
        if analyze && copied > 500 { try conn.execute("ANALYZE import_rows") }
        return copied
    }

    /// The columns of `cases` an import staged as `cases` rows fills: the first five per row
    /// (`Imports.RowWriter`'s `cases` layout), the rest shared by every row (added at commit).
    static let casesCopy = """
        COPY cases (id, admission_no, data, personal, personal_digest,
                    registry_id, program_id, org_id, scope_path, period, source, import_id, created_by, updated_by) FROM STDIN
        """

    /// Stages the rows of an import as `cases` rows: each worker's COPY text (escaped by
    /// `Imports.RowWriter`, `lines` rows each) as one value of `import_copies`, sent with a
    /// binary COPY (the text as it is: no escaping, no parsing of the rows).
    static func stageCases(_ conn: PGConnection, importID: String, parts: [[UInt8]], lines: [Int], rows: Int) throws {
        guard parts.count == lines.count, lines.reduce(0, +) == rows, let uuid = UUID(uuidString: importID) else {
            throw PGError(kind: .query, message: "import staging: \(lines.reduce(0, +)) lines for \(rows) rows")
        }
        func int16(_ v: Int16, _ out: inout [UInt8]) { out.append(contentsOf: [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]) }
        func int32(_ v: Int32, _ out: inout [UInt8]) { for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> Int32(s))) } }
        var buffers: [[UInt8]] = [Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]]
        let id = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        for (part, text) in parts.enumerated() {
            guard text.count < 1 << 30 else { throw PGError(kind: .query, message: "import staging: a part over 1 GB") }
            var head: [UInt8] = []
            int16(4, &head)
            int32(16, &head); head += id
            int32(4, &head); int32(Int32(part), &head)
            int32(4, &head); int32(Int32(lines[part]), &head)
            int32(Int32(text.count), &head)
            buffers.append(head)
            buffers.append(text)
        }
        var trailer: [UInt8] = []
        int16(-1, &trailer)
        buffers.append(trailer)
        let copied = try conn.copyIn("COPY import_copies (import_id, part, rows, lines) FROM STDIN (FORMAT binary)", text: buffers)
        guard copied == parts.count else { throw PGError(kind: .query, message: "import staging copied \(copied) of \(parts.count) parts") }
    }

    /// Applies an import staged as `cases` rows: one COPY into `cases`, each staged line
    /// completed with the columns shared by every row. Returns the rows created (a staged
    /// admission number stored since fails the unique key: nothing applied).
    static func applyCases(_ conn: PGConnection, _ imp: ImportRecord, by: String) throws -> Int {
        let parts = try conn.query("SELECT rows, lines FROM import_copies WHERE import_id = $1::uuid ORDER BY part", [imp.id]).rows
        var shared: [UInt8] = []
        for value in [imp.registryID, imp.programID, imp.orgID, imp.scopePath, imp.period, "import", imp.id, by, by] {
            shared.append(9)
            guard PGCopyText.append(value, to: &shared) else { throw PGError(kind: .query, message: "a COPY field contains a NUL character") }
        }
        shared.append(10)
        var buffers: [[UInt8]] = []
        var expected = 0
        for part in parts {
            let rows = try part.int("rows")
            var text = try part.string("lines")
            expected += rows
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count + rows * shared.count)
            var found = 0
            text.withUTF8 { bytes in
                var start = 0
                while start < bytes.count, let raw = memchr(bytes.baseAddress! + start, 10, bytes.count - start) {
                    let end = UnsafeRawPointer(bytes.baseAddress!).distance(to: UnsafeRawPointer(raw))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    out.append(contentsOf: shared)
                    found += 1
                    start = end + 1
                }
            }
            guard found == rows else { throw PGError(kind: .query, message: "import staging: \(found) lines for \(rows) rows") }
            buffers.append(out)
        }
        let copied = expected == 0 ? 0 : try conn.copyIn(casesCopy, text: buffers)
        try conn.query("UPDATE imports SET status = 'committed', committed_at = now() WHERE id = $1::uuid", [imp.id])
        return copied
    }

    /// Classifies the staged rows against the stored cases (set-based; rows are staged as
    /// `create`, or `rejected` when a required field is blank): an admission number
    /// already held by another list, or (create mode) by a case with other values, is a
    /// conflict; equal after the merge is unchanged; update mode updates; a new number is
    /// created unless required fields are blank (rejected).
    static func classify(_ conn: PGConnection, importID: String, registryID: String, programID: String, orgID: String,
                         period: String, mode: String, clearBlanks: Bool) throws {
        try conn.query("""
            UPDATE import_rows s SET existing_id = c.id, existing_revision = c.revision,
              action = CASE
                WHEN c.registry_id <> $2::uuid THEN 'conflict'
                WHEN $7::boolean AND cardinality(s.missing) > 0 THEN 'rejected'
                WHEN (CASE WHEN $7::boolean THEN s.data ELSE c.data || s.data END) = c.data
                 AND (CASE WHEN $7::boolean THEN s.personal_digest ELSE c.personal_digest || s.personal_digest END) = c.personal_digest
                  THEN 'unchanged'
                WHEN $6 = 'update' THEN 'update'
                ELSE 'conflict' END
            FROM cases c
            WHERE s.import_id = $1::uuid AND c.program_id = $3::uuid AND c.org_id = $4 AND c.period = $5
              AND c.admission_no = s.admission_no
            """, [importID, registryID, programID, orgID, period, mode, clearBlanks])
    }

    static func counts(_ conn: PGConnection, importID: String) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for r in try conn.query("SELECT action, count(*)::int AS n FROM import_rows WHERE import_id = $1::uuid GROUP BY action",
                                [importID]).rows {
            out[try r.string("action")] = try r.int("n")
        }
        return out
    }

    /// Conflicts (row, admission number, the list holding it, the case id), first `limit`.
    static func conflicts(_ conn: PGConnection, importID: String, limit: Int) throws -> [(row: Int, admissionNo: String, list: String, caseID: String)] {
        try conn.query("""
            SELECT s.row_no, s.admission_no, r.short_name, s.existing_id::text AS case_id FROM import_rows s
            JOIN cases c ON c.id = s.existing_id JOIN registries r ON r.id = c.registry_id
            WHERE s.import_id = $1::uuid AND s.action = 'conflict' ORDER BY s.row_no LIMIT $2
            """, [importID, limit]).rows.map {
            (try $0.int("row_no"), try $0.string("admission_no"), try $0.string("short_name"), try $0.string("case_id"))
        }
    }

    /// Rejected staged rows (required fields blank) with the blank field codes, first `limit`.
    static func rejected(_ conn: PGConnection, importID: String, limit: Int) throws -> [(row: Int, missing: [String])] {
        try conn.query("""
            SELECT row_no, missing FROM import_rows WHERE import_id = $1::uuid AND action = 'rejected' ORDER BY row_no LIMIT $2
            """, [importID, limit]).rows.map { (try $0.int("row_no"), try $0.stringArray("missing")) }
    }

    static func saveSummary(_ conn: PGConnection, importID: String, summary: String, problems: String) throws {
        try conn.query("UPDATE imports SET summary = $2::jsonb, problems = $3::jsonb WHERE id = $1::uuid", [importID, summary, problems])
    }

    /// The import of the institution, locked.
    static func lock(_ conn: PGConnection, id: String, orgID: String) throws -> (ImportRecord, expired: Bool)? {
        guard let r = try conn.query("""
            SELECT id::text AS id, registry_id::text AS registry_id, program_id::text AS program_id, org_id, scope_path, period,
                   mode, clear_blanks, staged, status, summary::text AS summary, problems::text AS problems, created_at,
                   created_at < now() - $3::interval AS expired
            FROM imports WHERE id = $1::uuid AND org_id = $2 FOR UPDATE
            """, [id, orgID, lifetime]).first else { return nil }
        return (try record(r), try r.bool("expired"))
    }

    static func find(_ conn: PGConnection, id: String, orgID: String) throws -> ImportRecord? {
        try conn.query("""
            SELECT id::text AS id, registry_id::text AS registry_id, program_id::text AS program_id, org_id, scope_path, period,
                   mode, clear_blanks, staged, status, summary::text AS summary, problems::text AS problems, created_at
            FROM imports WHERE id = $1::uuid AND org_id = $2
            """, [id, orgID]).first.map(record)
    }

    /// Staged rows whose stored case changed since the dry run (then nothing is applied).
    static func staleCount(_ conn: PGConnection, _ imp: ImportRecord) throws -> Int {
        // No case of the institution and period now: stale exactly when the dry run saw one.
        if try !hasCases(conn, programID: imp.programID, orgID: imp.orgID, period: imp.period) {
            return try conn.query("SELECT count(*)::int AS n FROM import_rows WHERE import_id = $1::uuid AND existing_id IS NOT NULL",
                                  [imp.id]).first?.int("n") ?? 0
        }
        return try conn.query("""
            SELECT count(*)::int AS n FROM import_rows s
            LEFT JOIN cases c ON c.program_id = $2::uuid AND c.org_id = $3 AND c.period = $4 AND c.admission_no = s.admission_no
            WHERE s.import_id = $1::uuid AND s.action IN ('create', 'update', 'unchanged', 'conflict')
              AND ((s.existing_id IS NULL AND c.id IS NOT NULL)
                OR (s.existing_id IS NOT NULL AND (c.id IS NULL OR c.id <> s.existing_id OR c.revision <> s.existing_revision)))
            """, [imp.id, imp.programID, imp.orgID, imp.period]).first?.int("n") ?? 0
    }

    /// Applies the staged creates and updates; returns (created, updated).
    static func apply(_ conn: PGConnection, _ imp: ImportRecord, by: String) throws -> (Int, Int) {
        let created = try conn.query("""
            INSERT INTO cases (id, registry_id, program_id, org_id, scope_path, period, admission_no, data, personal,
                               personal_digest, source, import_id, created_by, updated_by)
            SELECT s.case_id, $2::uuid, $3::uuid, $4, $5, $6, s.admission_no, s.data, s.personal, s.personal_digest,
                   'import', $1::uuid, $7, $7
            FROM import_rows s WHERE s.import_id = $1::uuid AND s.action = 'create'
            """, [imp.id, imp.registryID, imp.programID, imp.orgID, imp.scopePath, imp.period, by]).affectedRows
        let updated = try conn.query("""
            UPDATE cases c SET
              data = CASE WHEN $2::boolean THEN s.data ELSE c.data || s.data END,
              personal = CASE WHEN $2::boolean THEN s.personal ELSE c.personal || s.personal END,
              personal_digest = CASE WHEN $2::boolean THEN s.personal_digest ELSE c.personal_digest || s.personal_digest END,
              revision = c.revision + 1, updated_by = $3, updated_at = now(), import_id = $1::uuid
            FROM import_rows s WHERE s.import_id = $1::uuid AND s.action = 'update' AND c.id = s.existing_id
            """, [imp.id, imp.clearBlanks, by]).affectedRows
        try conn.query("UPDATE imports SET status = 'committed', committed_at = now() WHERE id = $1::uuid", [imp.id])
        return (created, updated)
    }

    /// Forgets a committed import's staged rows (after its transaction, off the request's path;
    /// `expire` catches any left behind).
    static func forget(_ conn: PGConnection, importID: String) throws {
        try conn.query("DELETE FROM import_rows WHERE import_id = $1::uuid", [importID])
        try conn.query("DELETE FROM import_copies WHERE import_id = $1::uuid", [importID])
    }

    private static func record(_ r: PGRow) throws -> ImportRecord {
        ImportRecord(id: try r.string("id"), registryID: try r.string("registry_id"), programID: try r.string("program_id"),
                     orgID: try r.string("org_id"), scopePath: try r.string("scope_path"), period: try r.string("period"),
                     mode: try r.string("mode"), clearBlanks: try r.bool("clear_blanks"), staged: try r.string("staged"), status: try r.string("status"),
                     summary: try r.string("summary"), problems: try r.string("problems"), createdAt: try r.date("created_at"))
    }
}
