import Foundation
import KitCore
import KitPostgres
import Models

/// An organisation as the API shows it.
struct Organisation: Codable, Sendable {
    var id: String
    var kind: String
    var name: String
    var path: String
    var scopePath: String
    var regionCode: String?
    var specialties: [String]
    var licenceNo: String?
    var level: String?
    var category: String?
}

/// The organisation data an applicant fills (first applicant of an organisation).
struct OrganisationData: Codable, Sendable, Equatable {
    var name: String
    var licenceNo: String?
    var institutionCode: String?
    var creditCode: String?
    var level: String?
    var category: String?
    var openedOn: String?
    var address: String?
    var legalRepresentative: String?
    var headName: String?
    var headPhone: String?
    var contactName: String?
    var contactPhone: String?
    var specialties: [String]?
}

/// A GB/T 2260 region: six-digit code, level province / city (prefecture) / county.
struct Region: Codable, Sendable {
    var code: String
    var name: String
    var level: String
    var parentCode: String?
    var longitude: Double?
    var latitude: Double?
    /// Province, city and county names joined ("浙江省 杭州市 西湖区"), in search results.
    var fullName: String?
    /// True when the region has child regions (the picker offers a next level).
    var hasChildren: Bool?
}

struct OrganisationStore: Sendable {
    let app: IdentityApp

    static let columns = "id::text, kind, name, path, scope_path, region_code, specialties, licence_no, level, category"

    static func decode(_ r: PGRow) throws -> Organisation {
        Organisation(id: try r.string("id"), kind: try r.string("kind"), name: try r.string("name"), path: try r.string("path"),
                     scopePath: try r.string("scope_path"), regionCode: r.optionalString("region_code"),
                     specialties: try r.stringArray("specialties"), licenceNo: r.optionalString("licence_no"),
                     level: r.optionalString("level"), category: r.optionalString("category"))
    }

    static let regionColumns = """
        r.code, r.name, r.level, r.parent_code, r.longitude, r.latitude,
        concat_ws(' ', gp.name, p.name, r.name) AS full_name,
        EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = r.code) AS has_children
        """
    static let regionJoins = "FROM regions r LEFT JOIN regions p ON p.code = r.parent_code LEFT JOIN regions gp ON gp.code = p.parent_code"

    static func decodeRegion(_ r: PGRow) throws -> Region {
        Region(code: try r.string("code"), name: try r.string("name"), level: try r.string("level"),
               parentCode: r.optionalString("parent_code"), longitude: try r.optionalDouble("longitude"),
               latitude: try r.optionalDouble("latitude"), fullName: r.optionalString("full_name"),
               hasChildren: try r.bool("has_children"))
    }

    /// The children of a region (the provinces when `parent` is nil), in code order.
    func regions(parent: String?) throws -> [Region] {
        try app.db.query("""
            SELECT \(Self.regionColumns) \(Self.regionJoins)
            WHERE ($1::text IS NULL AND r.parent_code IS NULL) OR r.parent_code = $1 ORDER BY r.code
            """, [parent]).rows.map(Self.decodeRegion)
    }

    /// Regions whose name contains `q`, optionally inside `under` (a region code) and at one
    /// level; provinces before cities before counties, at most `limit`.
    func searchRegions(q: String, under: String?, level: String?, limit: Int) throws -> [Region] {
        try app.db.query("""
            SELECT \(Self.regionColumns) \(Self.regionJoins)
            WHERE strpos(r.name, $1) > 0
              AND ($2::text IS NULL OR r.code = $2 OR r.parent_code = $2 OR p.parent_code = $2)
              AND ($3::text IS NULL OR r.level = $3)
            ORDER BY CASE r.level WHEN 'province' THEN 0 WHEN 'city' THEN 1 ELSE 2 END, (r.name = $1) DESC, r.code
            LIMIT $4
            """, [q, under, level, limit]).rows.map(Self.decodeRegion)
    }

    func region(_ code: String) throws -> Region? {
        try app.db.withConnection { try region($0, code) }
    }

    func region(_ conn: PGConnection, _ code: String) throws -> Region? {
        try conn.query("SELECT \(Self.regionColumns) \(Self.regionJoins) WHERE r.code = $1", [code]).first.map(Self.decodeRegion)
    }

    /// The six-digit codes approval scopes a request by: the region's province (330000) and,
    /// below province level, its city (330100).
    func approvalCodes(_ conn: PGConnection, regionCode code: String) throws -> (province: String, city: String?) {
        Self.approvalCodes(regionCode: code, level: try region(conn, code)?.level)
    }

    /// The same from a region already read (`level` its level).
    static func approvalCodes(regionCode code: String, level: String?) -> (province: String, city: String?) {
        (String(code.prefix(2)) + "0000", level == "province" ? nil : String(code.prefix(4)) + "00")
    }

    /// The tree path of a region: "86/330000", "86/330000/330100" or "86/330000/330100/330106"
    /// (a county under its prefecture-level city, a city under its province).
    func regionPath(_ code: String) throws -> String? {
        try app.db.query("""
            SELECT concat_ws('/', '86', gp.code, p.code, r.code) AS path \(Self.regionJoins) WHERE r.code = $1
            """, [code]).first.map { try $0.string("path") }
    }

    func get(_ conn: PGConnection, id: String) throws -> Organisation? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("SELECT \(Self.columns) FROM organisations WHERE id = $1::uuid", [id]).first.map(Self.decode)
    }

    func get(id: String) throws -> Organisation? {
        try app.db.withConnection { try get($0, id: id) }
    }

    /// Institutions of a region and its subregions (a city's includes its counties') whose name
    /// matches (for "does my hospital exist already"), each with whether it has an administrator.
    func findInstitutions(region: String, name: String) throws -> [(Organisation, hasAdmin: Bool)] {
        guard let base = try regionPath(region) else { return [] }
        return try app.db.query("""
            SELECT \(Self.columns), EXISTS (SELECT 1 FROM role_assignments r WHERE r.org_id = organisations.id
                                           AND r.role = 'institution_admin') AS has_admin
            FROM organisations
            WHERE kind = 'institution' AND starts_with(path, $1 || '/') AND strpos(name, $2) > 0 ORDER BY name LIMIT 20
            """, [base, name]).rows.map { (try Self.decode($0), try $0.bool("has_admin")) }
    }

    /// The centres or commissions of one region (a second member joins one of them):
    /// provincial centres of a province, city commissions of a city.
    func bodies(kind: String, region: String) throws -> [Organisation] {
        try app.db.query("""
            SELECT \(Self.columns) FROM organisations WHERE kind = $1 AND region_code = $2 ORDER BY name LIMIT 50
            """, [kind, region]).rows.map(Self.decode)
    }

    func institution(_ conn: PGConnection, region: String, name: String) throws -> Organisation? {
        try conn.query("SELECT \(Self.columns) FROM organisations WHERE kind = 'institution' AND region_code = $1 AND name = $2",
                       [region, name]).first.map(Self.decode)
    }

    /// A provincial centre by its exact name (demo seed).
    func centre(_ conn: PGConnection, name: String) throws -> Organisation? {
        try conn.query("SELECT \(Self.columns) FROM organisations WHERE kind = 'provincial_centre' AND name = $1", [name]).first.map(Self.decode)
    }

    /// The platform operators' organisation (seeded by the migrations).
    static let platformID = "00000000-0000-7000-8000-000000000001"

    /// One instance at a time bootstraps the first platform operator.
    func lockOperatorBootstrap(_ conn: PGConnection) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-operator-bootstrap'))")
    }

    /// Serialises the creation of an organisation of one name in one region: two applications
    /// for the same new institution approved at the same moment both find the first one's
    /// organisation instead of the second failing on the unique name (and its outcome being lost).
    func lockName(_ conn: PGConnection, region: String, name: String) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-org:' || $1 || ':' || $2))", [region, name])
    }

    /// Serialises the demo seed between replicas starting together.
    func lockDemoSeed(_ conn: PGConnection) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-demo-seed'))")
    }

    /// Organisations of a kind inside a scope (approval resolves "every centre of the province").
    /// At most 500, by name; `name` an exact name (the demo seed finds its hospitals by it).
    func list(kind: String?, under: String?, specialty: String?, name: String? = nil) throws -> [Organisation] {
        try app.db.query("""
            SELECT \(Self.columns) FROM organisations
            WHERE ($1::text IS NULL OR kind = $1)
              AND ($2::text IS NULL OR scope_path = $2 OR scope_path LIKE $2 || '/%')
              AND ($3::text IS NULL OR $3 = ANY(specialties))
              AND ($4::text IS NULL OR name = $4)
            ORDER BY name LIMIT 500
            """, [kind, under, specialty, name]).rows.map(Self.decode)
    }

    /// id → name of the given organisations (ids that are no uuid or unknown are left out).
    func names(ids: [String]) throws -> [(id: String, name: String)] {
        let valid = ids.filter(ID.isValid)
        guard !valid.isEmpty else { return [] }
        return try app.db.query("SELECT id::text AS id, name FROM organisations WHERE id = ANY($1::uuid[])", [valid])
            .rows.map { (try $0.string("id"), try $0.string("name")) }
    }

    /// Creates an organisation under a region (or nationally when `regionCode` is nil): its path
    /// is the region's path and its id (86/330000/330100[/330106]/<id>). Centres and
    /// commissions see their whole region (a provincial centre its province, a city commission
    /// its city); institutions their own node.
    func create(_ conn: PGConnection, kind: String, data: OrganisationData, regionCode: String?) throws -> Organisation {
        let id = ID.new()
        var base = "86"
        if let rc = regionCode {
            guard let p = try regionPath(rc) else { throw APIError.invalid("regionCode", "所在地区不存在") }
            base = p
        }
        let path = "\(base)/\(id)"
        let scope = kind == "institution" ? path : base
        do {
            try conn.query("""
                INSERT INTO organisations (id, kind, name, path, scope_path, region_code, specialties, licence_no, institution_code,
                    credit_code, level, category, opened_on, address, legal_representative, head_name, head_phone, contact_name, contact_phone)
                VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10, $11, $12, $13::date, $14, $15, $16, $17, $18, $19)
                """, [id, kind, data.name, path, scope, regionCode, data.specialties ?? [], data.licenceNo, data.institutionCode,
                      data.creditCode, data.level, data.category, data.openedOn, data.address, data.legalRepresentative,
                      data.headName, data.headPhone, data.contactName, data.contactPhone])
        } catch let e as PGError where e.isUniqueViolation {
            if e.constraint == "organisations_licence" {
                throw APIError.conflict("该执业许可证登记号已被其他机构使用", code: "licence_taken")
            }
            throw APIError.conflict("该地区已存在同名机构", code: "organisation_exists")
        }
        return try get(conn, id: id)!
    }

    /// Form data for the generated PDFs (documents service).
    func details(_ conn: PGConnection, id: String) throws -> [String: String] {
        guard let r = try conn.query("""
            SELECT name, licence_no, institution_code, credit_code, level, category, opened_on::text, address,
                   legal_representative, head_name, head_phone, contact_name, contact_phone FROM organisations WHERE id = $1::uuid
            """, [id]).first else { return [:] }
        var out: [String: String] = [:]
        for c in r.columns { if let v = r.optionalString(c) { out[c] = v } }
        return out
    }
}
