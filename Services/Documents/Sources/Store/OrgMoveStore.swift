import KitPostgres
import ServiceKit

extension DocumentStore {
    /// Rewrites the owner paths of an organisation (paths ending in `/<org id>`, as grants of the
    /// institution carry them) to `path`, in the message's transaction (`OrgMoveReceiver`).
    /// Returns the rows changed.
    static func moveOrganisation(_ conn: PGConnection, _ orgID: String, to path: String) throws -> (objects: Int, documents: Int) {
        let suffix = "/" + orgID
        let objects = try conn.query("""
            UPDATE objects SET owner_org_path = $2
            WHERE right(owner_org_path, length($1)) = $1 AND owner_org_path <> $2
            """, [suffix, path]).affectedRows
        let documents = try conn.query("""
            UPDATE documents SET owner_org_path = $2
            WHERE right(owner_org_path, length($1)) = $1 AND owner_org_path <> $2
            """, [suffix, path]).affectedRows
        return (objects, documents)
    }
}
