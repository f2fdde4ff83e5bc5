import Foundation
import KitCrypto
import KitHTTP
import Models
import ServiceKit

/// Public reference data: token keys, regions, specialties, roles, institutions by name.
struct PublicHandlers: Sendable {
    let app: IdentityApp

    /// GET /api/identity/keys: the JWK set that verifies access tokens.
    func keys(_ req: Request) throws -> Response {
        var r = Response.json(PublicKeySet(keys: [.init(kid: app.keys.keyID, x: Base64URL.encode(app.keys.privateKey.publicKey.raw))]))
        r.headers.append(("Cache-Control", "public, max-age=300"))
        return r
    }

    /// GET /api/identity/v1/regions?parent=330000: the children of a region (the 34 provincial
    /// units without `parent`). GET /api/identity/v1/regions?q=西湖[&under=330000][&level=county]
    /// [&limit=20]: regions whose name contains q (at most 50), each with its full name.
    func regions(_ req: Request) throws -> Response {
        let store = OrganisationStore(app: app)
        let q = req.query
        if let parent = q["parent"], !ChineseFormats.isRegionCode(parent) {
            throw APIError.invalid("parent", "行政区划代码应为6位数字", code: "invalid_region")
        }
        if let text = q["q"] {
            let name = text.trimmingCharacters(in: .whitespaces)
            guard (1...20).contains(name.count) else { throw APIError.invalid("q", "请输入1至20个字的地区名称") }
            if let under = q["under"], !ChineseFormats.isRegionCode(under) {
                throw APIError.invalid("under", "行政区划代码应为6位数字", code: "invalid_region")
            }
            if let level = q["level"], !["province", "city", "county"].contains(level) {
                throw APIError.invalid("level", "级别只能是 province、city、county")
            }
            var limit = 20
            if let l = q["limit"] {
                guard let n = Int(l), (1...50).contains(n) else { throw APIError.invalid("limit", "limit 应为1至50") }
                limit = n
            }
            return .json(Page(items: try store.searchRegions(q: name, under: q["under"], level: q["level"], limit: limit)))
        }
        return .json(Page(items: try store.regions(parent: q["parent"])))
    }

    struct BodyHit: Codable, Sendable { let id: String; let name: String; let kind: String; let regionCode: String?; let specialties: [String] }

    /// GET /api/identity/v1/organisations?kind=provincial_centre&region=330000 (or
    /// kind=city_commission&region=330100): the existing centres or commissions a second
    /// member joins instead of registering the organisation again.
    func bodies(_ req: Request) throws -> Response {
        let q = req.query
        guard let kind = q["kind"], ["provincial_centre", "city_commission"].contains(kind) else {
            throw APIError.invalid("kind", "机构类型只能是 provincial_centre 或 city_commission")
        }
        guard let region = q["region"], ChineseFormats.isRegionCode(region) else {
            throw APIError.invalid("region", "请选择所在地区", code: "invalid_region")
        }
        let items = try OrganisationStore(app: app).bodies(kind: kind, region: region).map {
            BodyHit(id: $0.id, name: $0.name, kind: $0.kind, regionCode: $0.regionCode, specialties: $0.specialties)
        }
        return .json(Page(items: items))
    }

    struct Item: Codable, Sendable { let code: String; let name: String }

    /// GET /api/identity/v1/specialties
    func specialties(_ req: Request) throws -> Response {
        .json(Page(items: Specialty.all.map { Item(code: $0.code, name: $0.name) }))
    }

    /// GET /api/identity/v1/roles: the user types one can apply for.
    func roles(_ req: Request) throws -> Response {
        .json(Page(items: RegistrationRules.applicable.map { Item(code: $0.rawValue, name: $0.title) }))
    }

    struct InstitutionHit: Codable, Sendable { let id: String; let name: String; let regionCode: String?; let hasAdmin: Bool }

    /// GET /api/identity/v1/institutions?region=330100&q=人民医院: does the hospital exist already
    /// (then a later applicant fills only personal data).
    func institutions(_ req: Request) throws -> Response {
        let q = req.query
        guard let region = q["region"], ChineseFormats.isRegionCode(region) else { throw APIError.invalid("region", "请选择所在地区") }
        let name = (q["q"] ?? "").trimmingCharacters(in: .whitespaces)
        guard name.count >= 2 else { throw APIError.invalid("q", "请输入至少2个字的机构名称") }
        let hits = try OrganisationStore(app: app).findInstitutions(region: region, name: name).map { org, hasAdmin in
            InstitutionHit(id: org.id, name: org.name, regionCode: org.regionCode, hasAdmin: hasAdmin)
        }
        return .json(Page(items: hits))
    }
}
