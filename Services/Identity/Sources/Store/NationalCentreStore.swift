import Foundation
import KitCore
import KitPostgres
import Models

/// The national centre and the national specialty centres (organisations of kind
/// `national_centre`; a specialty centre lists its specialties) and their accounts, as the
/// platform operator manages them (docs/registration.md).
struct NationalCentreStore: Sendable {
    let app: IdentityApp

    struct Account: Codable, Sendable {
        var id: String
        var username: String
        var displayName: String
        var phoneMasked: String
        var status: String
        var role: String
        var specialty: String?
    }

    struct Centre: Codable, Sendable {
        var id: String
        var name: String
        var specialties: [String]
        var accounts: [Account]
    }

    func centres(_ conn: PGConnection) throws -> [Centre] {
        let orgs = try conn.query("""
            SELECT id::text, name, specialties FROM organisations WHERE kind = 'national_centre'
            ORDER BY cardinality(specialties), name LIMIT 200
            """).rows
        let accounts = try conn.query("""
            SELECT u.id::text, u.username, u.display_name, u.phone, u.status, r.role, r.specialty, r.org_id::text AS org_id
            FROM role_assignments r JOIN users u ON u.id = r.user_id JOIN organisations o ON o.id = r.org_id
            WHERE o.kind = 'national_centre' AND r.role IN ('national_centre', 'national_specialty_centre') AND u.status <> 'deleted'
            ORDER BY u.created_at, r.specialty NULLS FIRST
            """).rows
        return try orgs.map { o in
            let id = try o.string("id")
            return Centre(id: id, name: try o.string("name"), specialties: try o.stringArray("specialties"),
                          accounts: try accounts.filter { try $0.string("org_id") == id }.map { r in
                              Account(id: try r.string("id"), username: try r.string("username"), displayName: try r.string("display_name"),
                                      phoneMasked: ChineseFormats.maskMobile(try r.string("phone")), status: try r.string("status"),
                                      role: try r.string("role"), specialty: r.optionalString("specialty"))
                          })
        }
    }

    func nameTaken(_ conn: PGConnection, name: String) throws -> Bool {
        try !conn.query("SELECT 1 FROM organisations WHERE kind = 'national_centre' AND name = $1", [name]).rows.isEmpty
    }

    /// Serialises the creation of national centres (one name once).
    func lock(_ conn: PGConnection) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-national-centres'))")
    }
}
