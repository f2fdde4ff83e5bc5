import Foundation
import KitCore
import KitPostgres
import Models

/// A 变更资料 request as the API shows it.
struct OrgChangeView: Codable, Sendable {
    var id: String
    var orgId: String
    var status: String
    var oldData: [String: String]
    var newData: [String: String]
    var newAdmin: OrgChange.NewAdmin?
    var opinion: String?
    var createdAt: String
    var decidedAt: String?
}

/// SQL of 变更资料.
struct OrgChangeStore: Sendable {
    let app: IdentityApp

    /// The current values of the changeable fields (API field names; absent when empty).
    func current(_ conn: PGConnection, orgID: String) throws -> [String: String] {
        let cols = OrgChange.columns.map { "\($0.column)::text AS \"\($0.field)\"" }.joined(separator: ", ")
        guard let r = try conn.query("SELECT \(cols) FROM organisations WHERE id = $1::uuid", [orgID]).first else { return [:] }
        var out: [String: String] = [:]
        for c in OrgChange.columns { if let v = r.optionalString(c.field), !v.isEmpty { out[c.field] = v } }
        return out
    }

    /// The programs the institution reports for: imported ones and those of its approved registrations.
    func programs(_ conn: PGConnection, orgID: String) throws -> Set<String> {
        Set(try conn.query("""
            SELECT unnest(programs) AS p FROM organisations WHERE id = $1::uuid
            UNION SELECT program FROM applications WHERE org_id = $1::uuid AND status = 'approved' AND program IS NOT NULL
            """, [orgID]).rows.map { try $0.string("p") })
    }

    func insert(_ conn: PGConnection, id: String, orgID: String, by userID: String, old: [String: String], new: [String: String],
                newAdmin: OrgChange.NewAdmin?) throws {
        do {
            try conn.query("""
                INSERT INTO org_changes (id, org_id, requested_by, old_data, new_data, new_admin)
                VALUES ($1::uuid, $2::uuid, $3::uuid, $4::jsonb, $5::jsonb, $6::jsonb)
                """, [id, orgID, userID, try AccountImportStore.json(old), try AccountImportStore.json(new),
                      try newAdmin.map { try AccountImportStore.json($0) }])
        } catch let e as PGError where e.isUniqueViolation {
            throw APIError.conflict("本机构已有待审批的变更申请，请等待审批结果", code: "change_pending")
        }
    }

    static let columns = """
        id::text, org_id::text, status, old_data::text, new_data::text, new_admin::text, opinion, requested_by::text,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
        to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS decided
        """

    static func decode(_ r: PGRow) throws -> (view: OrgChangeView, requestedBy: String) {
        let dec = JSONDecoder()
        let view = OrgChangeView(
            id: try r.string("id"), orgId: try r.string("org_id"), status: try r.string("status"),
            oldData: try dec.decode([String: String].self, from: Data(try r.string("old_data").utf8)),
            newData: try dec.decode([String: String].self, from: Data(try r.string("new_data").utf8)),
            newAdmin: try r.optionalString("new_admin").map { try dec.decode(OrgChange.NewAdmin.self, from: Data($0.utf8)) },
            opinion: r.optionalString("opinion"), createdAt: try r.string("created"), decidedAt: r.optionalString("decided"))
        return (view, try r.string("requested_by"))
    }

    func get(_ conn: PGConnection, id: String, lock: Bool) throws -> (view: OrgChangeView, requestedBy: String)? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("SELECT \(Self.columns) FROM org_changes WHERE id = $1::uuid \(lock ? "FOR UPDATE" : "")", [id]).first.map(Self.decode)
    }

    func list(_ conn: PGConnection, orgID: String) throws -> [OrgChangeView] {
        try conn.query("SELECT \(Self.columns) FROM org_changes WHERE org_id = $1::uuid ORDER BY created_at DESC LIMIT 20",
                       [orgID]).rows.map { try Self.decode($0).view }
    }

    func decide(_ conn: PGConnection, id: String, status: String, opinion: String?, requestID: String) throws {
        try conn.query("""
            UPDATE org_changes SET status = $2, opinion = $3, approval_request_id = $4, decided_at = now() WHERE id = $1::uuid
            """, [id, status, opinion, requestID])
    }

    /// Writes the approved fields; a new region moves the institution's path and its grants' scope.
    func apply(_ conn: PGConnection, orgID: String, data: [String: String]) throws {
        for c in OrgChange.columns where c.field != "regionCode" {
            guard let v = data[c.field] else { continue }
            try conn.query("UPDATE organisations SET \(c.column) = nullif($2, '') WHERE id = $1::uuid", [orgID, v])
        }
        if let region = data["regionCode"] {
            guard let base = try OrganisationStore(app: app).regionPath(region) else { throw APIError.invalid("regionCode", "所在地区不存在") }
            let path = "\(base)/\(orgID)"
            try conn.query("UPDATE role_assignments SET scope_path = $2 WHERE org_id = $1::uuid", [orgID, path])
            try conn.query("UPDATE organisations SET region_code = $2, path = $3, scope_path = $3 WHERE id = $1::uuid", [orgID, region, path])
        }
    }

    /// A new data administrator: an account waiting for activation with the institution admin's
    /// grant; the old admins' sub-accounts move to it.
    func newAdmin(_ conn: PGConnection, orgID: String, scopePath: String, admin: OrgChange.NewAdmin) throws -> String {
        try UserStore(app: app).createPendingActivation(conn, phone: admin.phone, email: admin.email, displayName: admin.name,
                                                        orgID: orgID, grant: .institutionAdmin, scopePath: scopePath, specialty: nil)
    }

    func moveSubAccounts(_ conn: PGConnection, from oldID: String, to newID: String) throws -> Int {
        try conn.query("UPDATE users SET main_account_id = $2::uuid, updated_at = now() WHERE main_account_id = $1::uuid AND status <> 'deleted'",
                       [oldID, newID]).affectedRows
    }

    func nameTaken(_ conn: PGConnection, orgID: String, region: String, name: String) throws -> Bool {
        try !conn.query("SELECT 1 FROM organisations WHERE kind = 'institution' AND region_code = $1 AND name = $2 AND id <> $3::uuid",
                        [region, name, orgID]).rows.isEmpty
    }
}
