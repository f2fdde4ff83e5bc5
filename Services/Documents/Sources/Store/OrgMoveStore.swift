import KitPostgres
import ServiceKit

extension DocumentStore {
    /// Rewrites the owner paths of an organisation (paths ending in `/<org id>`, as grants of the
    /// institution carry them) to `path`, in one transaction with the idempotency key. Returns
    /// whether it ran (false: key seen before) and the rows changed.
    func moveOrganisation(_ orgID: String, to path: String, key: String?) throws -> (Bool, Int, Int) {
        try db.transaction { conn in
            if let key, !(try Outbox.firstDelivery(conn, key: key)) { return (false, 0, 0) }
            let suffix = "/" + orgID
            let objects = try conn.query("""
                UPDATE objects SET owner_org_path = $2
                WHERE right(owner_org_path, length($1)) = $1 AND owner_org_path <> $2
                """, [suffix, path]).affectedRows
            let documents = try conn.query("""
                UPDATE documents SET owner_org_path = $2
                WHERE right(owner_org_path, length($1)) = $1 AND owner_org_path <> $2
                """, [suffix, path]).affectedRows
            return (true, objects, documents)
        }
    }
}
