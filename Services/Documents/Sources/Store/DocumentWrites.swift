import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Uploads, replacements and deletions: each one transaction with its audit row, under the
/// stored file's lock (see `inBlobTransaction`).
extension DocumentStore {
    /// Adds a document of `kind` to `object` for its owner. Creates the object on first use
    /// (owned by the caller) when `mayCreate`; refuses with 404 when someone else owns it and with
    /// `too_many_files` when the kind's limit is reached. `storeFile` starts storing the bytes
    /// under the file's lock and returns the wait for them to be durable, which comes before the
    /// COMMIT: the disk flushes while the rows are written, and a refusal leaves a blob that the
    /// caller collects (`collectGarbage`).
    /// `objectLimit`: most documents on the object, every kind counted, and the refusal past it
    /// (a program's limit, NCIS).
    func insert(object: ObjectRef, kind: DocumentKind, file: NewFile, caller: Caller, mayCreate: Bool, request: Request,
                objectLimit: (Int, APIError)? = nil, storeFile: () throws -> () throws -> Void) throws -> DocumentRecord {
        try inBlobTransaction(file.sha256) { conn in
            let durable = try storeFile()
            // The checks and the rows in one round trip (`PGConnection.pipeline`): the server
            // runs them in order, so the counts are taken under the object's row lock and
            // before the new row; a check that fails rolls back what ran after it.
            let ownApplicant = caller.ownApplication == object ? object.id : nil
            var statements: [PGQuery] = []
            if mayCreate {
                statements.append(PGQuery("""
                    INSERT INTO objects (key, type, ref, owner_applicant, owner_user, owner_org_path)
                    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING
                    """, [object.key, object.type.rawValue, object.id, ownApplicant, caller.userID, caller.orgPath]))
            }
            let (cond, params) = Access.write(caller).condition(from: 2)
            let writable = statements.count
            statements.append(PGQuery("SELECT o.key FROM objects o WHERE o.key = $1 AND \(cond) FOR UPDATE",
                                      [object.key] + params))
            let ofKind = statements.count
            statements.append(PGQuery("""
                SELECT count(*) AS n FROM documents WHERE object_key = $1 AND kind = $2 AND deleted_at IS NULL
                """, [object.key, kind.code]))
            let onObject = statements.count
            if objectLimit != nil {
                statements.append(PGQuery("SELECT count(*) AS n FROM documents WHERE object_key = $1 AND deleted_at IS NULL",
                                          [object.key]))
            }
            let id = ID.new()
            let document = statements.count
            statements.append(PGQuery("""
                INSERT INTO documents (id, object_key, kind, current_version, created_by, owner_org_path)
                VALUES ($1::uuid, $2, $3, 1, $4, $5)
                RETURNING id::text AS id, object_key, kind, created_at, updated_at
                """, [id, object.key, kind.code, caller.actorID, caller.orgPath]))
            let version = statements.count
            statements.append(versionInsert(id: id, version: 1, file: file, caller: caller))
            statements.append(Audit.statement(AuditEntry(actorID: caller.actorID, actorOrg: caller.orgID, action: "document.upload",
                                                         objectType: "document", objectID: id,
                                                         newValue: Audit.json(AuditFile(object: object.key, kind: kind.code, version: 1, file: file)),
                                                         request: request)))
            let out = try conn.pipeline(statements)
            guard try out.result(writable).first != nil else { throw APIError.notFound }
            if try out.result(ofKind).first?.int("n") ?? 0 >= kind.maxFiles { throw DocumentErrors.tooManyFiles(kind) }
            if let (most, refusal) = objectLimit, try out.result(onObject).first?.int("n") ?? 0 >= most { throw refusal }
            let row = try out.result(document).first!
            let current = try DocumentColumns.version(try out.result(version).first!)
            if let error = out.error { throw error }
            try durable()
            return DocumentRecord(id: try row.string("id"), objectKey: object.key, kind: kind.code,
                                  createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
                                  current: current)
        }
    }

    /// Replaces a document's file for its owner. A sealed current version is kept and the new
    /// file becomes the next version; an unsealed one is replaced in place. Returns the document
    /// and the hash of a file that may no longer be referenced.
    func replace(_ id: String, file: NewFile, caller: Caller, request: Request,
                 storeFile: () throws -> () throws -> Void) throws -> (DocumentRecord, released: String?) {
        guard ID.isValid(id) else { throw APIError.notFound }
        return try inBlobTransaction(file.sha256) { conn in
            let durable = try storeFile()
            let (cond, params) = Access.write(caller).condition(from: 2)
            guard let cur = try conn.query("""
                SELECT d.object_key, d.kind, d.current_version, v.sealed, v.sha256, v.size, v.file_name
                FROM documents d
                JOIN objects o ON o.key = d.object_key
                JOIN document_versions v ON v.document_id = d.id AND v.version = d.current_version
                WHERE d.id = $1::uuid AND d.deleted_at IS NULL AND \(cond)
                FOR UPDATE OF d
                """, [id] + params).first else { throw APIError.notFound }
            let current = try cur.int("current_version")
            let sealed = try cur.bool("sealed")
            let oldSHA = try cur.string("sha256")

            var released: String?
            let newVersion: VersionRecord
            if sealed {
                newVersion = try insertVersion(conn, id: id, version: current + 1, file: file, caller: caller)
                try conn.query("UPDATE documents SET current_version = $2, updated_at = now() WHERE id = $1::uuid",
                               [id, current + 1])
            } else {
                let row = try conn.query("""
                    UPDATE document_versions v
                    SET sha256 = $3, size = $4, file_type = $5, content_type = $6, file_name = $7, uploaded_by = $8,
                        created_at = now()
                    WHERE v.document_id = $1::uuid AND v.version = $2
                    RETURNING \(DocumentColumns.version)
                    """, [id, current, file.sha256, file.size, file.fileType, file.contentType, file.fileName,
                          caller.actorID]).first!
                newVersion = try DocumentColumns.version(row)
                try conn.query("UPDATE documents SET updated_at = now() WHERE id = $1::uuid", [id])
                if oldSHA != file.sha256 { released = oldSHA }
            }
            let doc = try conn.query("""
                SELECT id::text AS id, object_key, kind, created_at, updated_at FROM documents WHERE id = $1::uuid
                """, [id]).first!
            let objectKey = try doc.string("object_key"), kind = try doc.string("kind")
            try Audit.record(conn, AuditEntry(
                actorID: caller.actorID, actorOrg: caller.orgID,
                action: sealed ? "document.new_version" : "document.replace", objectType: "document", objectID: id,
                oldValue: Audit.json(AuditFile(object: objectKey, kind: kind, version: current, sha256: oldSHA,
                                               size: try cur.int("size"), fileName: try cur.string("file_name"))),
                newValue: Audit.json(AuditFile(object: objectKey, kind: kind, version: newVersion.version, file: file)),
                request: request))
            let record = DocumentRecord(id: try doc.string("id"), objectKey: objectKey, kind: kind,
                                        createdAt: try doc.date("created_at"), updatedAt: try doc.date("updated_at"),
                                        current: newVersion)
            try durable()
            return (record, released)
        }
    }

    /// Deletes a document for its owner while none of its versions is sealed (submitted files
    /// are kept: `document_sealed`). The row stays as a tombstone; its versions go. Returns the
    /// hashes of files that may no longer be referenced.
    func delete(_ id: String, caller: Caller, request: Request) throws -> [String] {
        guard ID.isValid(id) else { throw APIError.notFound }
        return try db.transaction { conn in
            let (cond, params) = Access.write(caller).condition(from: 2)
            guard let doc = try conn.query("""
                SELECT d.object_key, d.kind, d.current_version FROM documents d
                JOIN objects o ON o.key = d.object_key
                WHERE d.id = $1::uuid AND d.deleted_at IS NULL AND \(cond)
                FOR UPDATE OF d
                """, [id] + params).first else { throw APIError.notFound }
            if try conn.query("SELECT 1 FROM document_versions WHERE document_id = $1::uuid AND sealed LIMIT 1", [id]).first != nil {
                throw DocumentErrors.sealed
            }
            try conn.query("UPDATE documents SET deleted_at = now(), updated_at = now() WHERE id = $1::uuid", [id])
            let removed = try conn.query("""
                DELETE FROM document_versions WHERE document_id = $1::uuid
                RETURNING version, sha256, size, file_name
                """, [id]).rows
            let current = removed.first
            try Audit.record(conn, AuditEntry(
                actorID: caller.actorID, actorOrg: caller.orgID, action: "document.delete", objectType: "document", objectID: id,
                oldValue: Audit.json(AuditFile(object: try doc.string("object_key"), kind: try doc.string("kind"),
                                               version: try doc.int("current_version"),
                                               sha256: try current?.string("sha256"), size: try current?.int("size"),
                                               fileName: try current?.string("file_name"))),
                request: request))
            return try Set(removed.map { try $0.string("sha256") }).sorted()
        }
    }

    private func insertVersion(_ conn: PGConnection, id: String, version: Int, file: NewFile, caller: Caller) throws -> VersionRecord {
        let insert = versionInsert(id: id, version: version, file: file, caller: caller)
        return try DocumentColumns.version(conn.query(insert.sql, insert.params).first!)
    }

    private func versionInsert(id: String, version: Int, file: NewFile, caller: Caller) -> PGQuery {
        PGQuery("""
            INSERT INTO document_versions AS v (document_id, version, sha256, size, file_type, content_type, file_name, uploaded_by)
            VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8)
            RETURNING \(DocumentColumns.version)
            """, [id, version, file.sha256, file.size, file.fileType, file.contentType, file.fileName, caller.actorID])
    }
}

/// What an audit row records about a file (no personal data: the display name is the user's own).
struct AuditFile: Encodable {
    var object: String
    var kind: String
    var version: Int
    var sha256: String?
    var size: Int?
    var fileName: String?
    var fileType: String?

    init(object: String, kind: String, version: Int, sha256: String?, size: Int?, fileName: String?) {
        self.object = object; self.kind = kind; self.version = version
        self.sha256 = sha256; self.size = size; self.fileName = fileName
    }

    init(object: String, kind: String, version: Int, file: NewFile) {
        self.init(object: object, kind: kind, version: version, sha256: file.sha256, size: file.size, fileName: file.fileName)
        self.fileType = file.fileType
    }
}
