import KitCore
import KitPostgres

/// Reads of documents, each filtered by the caller's access in SQL.
struct DocumentStore: Sendable {
    let db: PGPool

    /// A live document with its current version (or `version`), when `access` may see it.
    func document(_ id: String, version: Int? = nil, access: Access) throws -> DocumentRecord? {
        guard ID.isValid(id) else { return nil }
        let (cond, params) = access.condition(from: 3)
        let sql = """
            SELECT \(DocumentColumns.document), \(DocumentColumns.version)
            FROM documents d
            JOIN objects o ON o.key = d.object_key
            JOIN document_versions v ON v.document_id = d.id AND v.version = coalesce($2::integer, d.current_version)
            WHERE d.id = $1::uuid AND d.deleted_at IS NULL AND \(cond)
            """
        guard let row = try db.query(sql, [id, version] + params).first else { return nil }
        return try DocumentColumns.document(row)
    }

    /// Every stored version of a document, oldest first (call after an access-checked read).
    func versions(_ id: String) throws -> [VersionRecord] {
        guard ID.isValid(id) else { return [] }
        let sql = """
            SELECT \(DocumentColumns.version) FROM document_versions v
            WHERE v.document_id = $1::uuid ORDER BY v.version
            """
        return try db.query(sql, [id]).rows.map(DocumentColumns.version)
    }

    /// Live documents of an object the caller may see, oldest first; nil when the object does not
    /// exist or is not visible to the caller.
    func list(object key: String, access: Access) throws -> [DocumentRecord]? {
        let (cond, params) = access.condition(from: 2)
        guard try db.query("SELECT 1 FROM objects o WHERE o.key = $1 AND \(cond)", [key] + params).first != nil else {
            return nil
        }
        let sql = """
            SELECT \(DocumentColumns.document), \(DocumentColumns.version)
            FROM documents d
            JOIN objects o ON o.key = d.object_key
            JOIN document_versions v ON v.document_id = d.id AND v.version = d.current_version
            WHERE d.object_key = $1 AND d.deleted_at IS NULL AND \(cond)
            ORDER BY d.created_at, d.id
            LIMIT 500
            """
        return try db.query(sql, [key] + params).rows.map(DocumentColumns.document)
    }

    /// True when the object exists and `access` may see it.
    func objectVisible(_ key: String, access: Access) throws -> Bool {
        let (cond, params) = access.condition(from: 2)
        return try db.query("SELECT 1 FROM objects o WHERE o.key = $1 AND \(cond)", [key] + params).first != nil
    }

    func objectExists(_ key: String) throws -> Bool {
        try db.query("SELECT 1 FROM objects WHERE key = $1", [key]).first != nil
    }

    /// Documents on the object, every kind, deleted ones not counted.
    func liveDocuments(_ key: String) throws -> Int {
        try db.query("SELECT count(*) AS n FROM documents WHERE object_key = $1 AND deleted_at IS NULL", [key]).first?.int("n") ?? 0
    }

    /// True when the object was sealed (submitted) at least once.
    func objectSealed(_ key: String) throws -> Bool {
        try db.query("SELECT 1 FROM objects WHERE key = $1 AND sealed_at IS NOT NULL", [key]).first != nil
    }

    /// The object a live document belongs to (to ask approval whether an approver may see it).
    func objectKey(ofDocument id: String) throws -> String? {
        guard ID.isValid(id) else { return nil }
        return try db.query("SELECT object_key FROM documents WHERE id = $1::uuid AND deleted_at IS NULL", [id])
            .first?.string("object_key")
    }

    /// Count of live documents of a kind on an object.
    func count(object key: String, kind: String) throws -> Int {
        try db.query("SELECT count(*) AS n FROM documents WHERE object_key = $1 AND kind = $2 AND deleted_at IS NULL",
                     [key, kind]).first?.int("n") ?? 0
    }
}
