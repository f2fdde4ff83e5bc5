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

    /// GET /api/identity/v1/regions?parent=33
    func regions(_ req: Request) throws -> Response {
        .json(Page(items: try OrganisationStore(app: app).regions(parent: req.query["parent"])))
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

    /// GET /api/identity/v1/institutions?region=3301&q=人民医院: does the hospital exist already
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
