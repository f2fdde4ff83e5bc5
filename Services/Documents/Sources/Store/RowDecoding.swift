import KitPostgres

/// Columns every document read selects (documents `d`, its version `v`), and their decoding.
enum DocumentColumns {
    static let document = """
        d.id::text AS id, d.object_key, d.kind, d.created_at, d.updated_at
        """
    static let version = """
        v.version, v.sha256, v.size, v.file_type, v.content_type, v.file_name, v.sealed, v.sealed_at, v.created_at AS v_created_at
        """

    static func version(_ row: PGRow) throws -> VersionRecord {
        VersionRecord(version: try row.int("version"), sha256: try row.string("sha256"), size: try row.int("size"),
                      fileType: try row.string("file_type"), contentType: try row.string("content_type"),
                      fileName: try row.string("file_name"), sealed: try row.bool("sealed"),
                      sealedAt: try row.optionalDate("sealed_at"), createdAt: try row.date("v_created_at"))
    }

    static func document(_ row: PGRow) throws -> DocumentRecord {
        DocumentRecord(id: try row.string("id"), objectKey: try row.string("object_key"), kind: try row.string("kind"),
                       createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
                       current: try version(row))
    }
}
