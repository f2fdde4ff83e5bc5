import Foundation
import KitCrypto

/// Numbered SQL migrations applied in order inside one schema.
///
/// Files are named `NNN_name.sql` (e.g. `001_init.sql`) and applied in numeric order of
/// NNN (2 before 10); other files in the directory are ignored. Each file runs in its own
/// transaction with `search_path` set to the schema, so it must not contain transaction
/// control or statements that cannot run in a transaction (e.g. CREATE INDEX CONCURRENTLY).
public struct Migrator: Sendable {
    public let pool: PGPool
    public let schema: String
    public let directory: URL
    /// The table recording applied versions (two migration sets can share a schema).
    public let table: String

    public init(pool: PGPool, schema: String, directory: URL, table: String = "schema_migrations") {
        self.pool = pool
        self.schema = schema
        self.directory = directory
        self.table = table
    }

    /// One migration file.
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let fileName: String
        public let sql: String
        /// SHA-256 of the file's bytes, lower-case hex.
        public let checksum: String
    }

    /// The migration files in `directory`, in the order they are applied.
    public func migrations() throws -> [Migration] {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        } catch {
            throw MigrationError(kind: .directory, message: "cannot list migrations in \(directory.path): \(error.localizedDescription)")
        }
        var result: [Migration] = []
        for file in files {
            let fileName = file.lastPathComponent
            guard fileName.hasSuffix(".sql") else { continue }
            let stem = fileName.dropLast(4)
            let digits = stem.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let version = Int(digits) else { continue }
            let rest = stem.dropFirst(digits.count)
            guard rest.isEmpty || rest.first == "_" else { continue }
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw MigrationError(kind: .directory, message: "cannot read migration \(fileName): \(error.localizedDescription)")
            }
            guard let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError(kind: .directory, version: version, message: "migration \(fileName) is not UTF-8")
            }
            result.append(Migration(version: version, name: String(rest.dropFirst()), fileName: fileName,
                                    sql: sql, checksum: SHA256.hex(data)))
        }
        result.sort { $0.version < $1.version }
        for (a, b) in zip(result, result.dropFirst()) where a.version == b.version {
            throw MigrationError(kind: .duplicateVersion, version: a.version,
                                 message: "two migrations have version \(a.version): \(a.fileName), \(b.fileName)")
        }
        return result
    }

    /// Takes an advisory lock keyed on the schema name (so concurrent replicas apply each file
    /// once), creates the schema if missing and `<schema>.schema_migrations`, checks the
    /// checksums of applied files (throws `MigrationError.Kind.checksumMismatch` when one
    /// changed) and applies each pending file in its own transaction together with its record
    /// row. Returns the versions applied by this call.
    public func migrate() throws -> [Int] {
        let files = try migrations()
        let schemaIdent = Self.quoteIdentifier(schema)
        let table = schemaIdent + "." + Self.quoteIdentifier(self.table)
        let lockKey = Self.lockKey(schema)

        return try pool.withConnection { conn in
            try conn.query("SELECT pg_advisory_lock($1::bigint)", [lockKey])
            defer { _ = try? conn.query("SELECT pg_advisory_unlock($1::bigint)", [lockKey]) }

            // The schema normally exists (owned by the service role, which may lack CREATE on
            // the database), so only create it when it is missing.
            let exists = try conn.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).first != nil
            if !exists {
                try conn.execute("CREATE SCHEMA IF NOT EXISTS " + schemaIdent)
            }
            try conn.execute("""
                CREATE TABLE IF NOT EXISTS \(table) (
                    version int PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)

            var applied: [Int: (name: String, checksum: String)] = [:]
            for row in try conn.query("SELECT version, name, checksum FROM \(table)").rows {
                applied[try row.int("version")] = (try row.string("name"), try row.string("checksum"))
            }
            for file in files {
                guard let record = applied[file.version] else { continue }
                guard record.checksum == file.checksum else {
                    throw MigrationError(
                        kind: .checksumMismatch, version: file.version,
                        message: "migration \(file.fileName) was changed after it was applied to schema \(schema) (recorded checksum \(record.checksum), file \(file.checksum)); add a new migration instead")
                }
            }

            var appliedNow: [Int] = []
            for file in files where applied[file.version] == nil {
                do {
                    try conn.transaction {
                        try conn.execute("SET LOCAL search_path TO " + schemaIdent)
                        try conn.execute(file.sql)
                        try conn.query("INSERT INTO \(table) (version, name, checksum, applied_at) VALUES ($1, $2, $3, now())",
                                       [file.version, file.name, file.checksum])
                    }
                } catch let error as PGError {
                    var wrapped = PGError(kind: error.kind, sqlState: error.sqlState,
                                          message: "migration \(file.fileName) failed: \(error.message)")
                    wrapped.constraint = error.constraint
                    throw wrapped
                }
                appliedNow.append(file.version)
            }
            return appliedNow
        }
    }

    /// `"name"` with embedded quotes doubled.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A stable 64-bit advisory-lock key for the schema.
    static func lockKey(_ schema: String) -> Int64 {
        let d = SHA256.hash(Array("KitPostgres.Migrator:\(schema)".utf8))
        var v: UInt64 = 0
        for b in d.prefix(8) { v = v << 8 | UInt64(b) }
        return Int64(bitPattern: v)
    }
}

/// A migration problem that is not a database error.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// The directory or a file could not be read.
        case directory
        /// Two files share a version number.
        case duplicateVersion
        /// An applied file's content changed.
        case checksumMismatch
    }

    public let kind: Kind
    public let version: Int?
    public let message: String

    public init(kind: Kind, version: Int? = nil, message: String) {
        self.kind = kind
        self.version = version
        self.message = message
    }

    public var description: String { "MigrationError(\(kind)): \(message)" }
}
