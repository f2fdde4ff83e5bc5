import KitPostgres

/// Serialises everything that creates or drops a reference to one stored file: an upload holds
/// the file's lock while it moves the file into place and commits its row, garbage collection
/// holds it while it checks for references and unlinks. A transaction-level advisory lock taken
/// with the BEGIN in one round trip, released by the COMMIT or ROLLBACK that ends the work.
extension DocumentStore {
    func inBlobTransaction<T>(_ sha256: String, _ body: (PGConnection) throws -> T) throws -> T {
        let key = DocumentStore.lockKey(sha256)
        return try db.withConnection { conn in
            try conn.transaction(opening: [PGQuery("SELECT pg_advisory_xact_lock($1::bigint)", [key])]) {
                try body(conn)
            }
        }
    }

    /// Removes a stored file nothing refers to any more (`remove` unlinks it).
    func collectGarbage(_ sha256: String, remove: (String) throws -> Void) throws {
        try inBlobTransaction(sha256) { conn in
            if try conn.query("SELECT 1 FROM document_versions WHERE sha256 = $1 LIMIT 1", [sha256]).first == nil {
                try remove(sha256)
            }
        }
    }

    /// 48 bits of the hash under a fixed tag (0x00D0…), apart from other users of advisory locks.
    static func lockKey(_ sha256: String) -> Int64 {
        let bits = UInt64(sha256.prefix(16), radix: 16) ?? 0
        return Int64(bitPattern: (bits & 0x0000_FFFF_FFFF_FFFF) | 0x00D0_0000_0000_0000)
    }
}
