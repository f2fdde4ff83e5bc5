import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// The platform operator registers the national centre and the national specialty centres and
/// creates their accounts in the portal (NCCQI: 国家质控中心、国家亚专业质控中心由平台运营创建;
/// docs/registration.md). Operators only: the token's role and the grant in the database.
struct NationalCentreHandlers: Sendable {
    let app: IdentityApp
    var store: NationalCentreStore { NationalCentreStore(app: app) }

    private func operatorCaller(_ req: Request) throws -> User { try AccountHandlers(app: app).operatorUser(req).1 }

    /// GET /api/identity/v1/national-centres: every national centre with its accounts.
    func list(_ req: Request) throws -> Response {
        _ = try operatorCaller(req)
        return .json(Page(items: try app.db.withConnection { try store.centres($0) }))
    }

    struct NewCentre: Codable, Sendable { let name: String; let specialties: [String]? }

    /// POST /api/identity/v1/national-centres: a national centre (no specialties: it covers
    /// all) or a national specialty centre (its specialties).
    func create(_ req: Request) throws -> Response {
        let user = try operatorCaller(req)
        let body = try req.decode(NewCentre.self)
        try Validate.text(body.name, field: "name", label: "中心名称", max: 60)
        let specialties = body.specialties ?? []
        guard specialties.count <= Specialty.all.count, specialties.allSatisfy(Specialty.isValid), Set(specialties).count == specialties.count else {
            throw APIError.invalid("specialties", "亚专业有误", code: "invalid_specialty")
        }
        let org = try app.db.transaction { conn -> Organisation in
            try store.lock(conn)
            guard try !store.nameTaken(conn, name: body.name) else {
                throw APIError.conflict("已存在同名的国家质控中心", code: "organisation_exists")
            }
            let org = try OrganisationStore(app: app).create(conn, kind: "national_centre",
                                                             data: OrganisationData(name: body.name, specialties: specialties), regionCode: nil)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "national_centre_created", objectType: "organisation",
                                              objectID: org.id, newValue: Audit.json(["name": org.name, "specialties": specialties.joined(separator: ",")]),
                                              request: req))
            return org
        }
        return .json(org, status: 201)
    }

    struct NewAccount: Codable, Sendable { let role: String; let specialty: String?; let displayName: String; let phone: String }

    /// POST /api/identity/v1/national-centres/:id/accounts: an account of the centre
    /// (`national_centre`, or `national_specialty_centre` for one specialty the centre covers,
    /// or all of them). The username and an initial password go by SMS; the first sign-in
    /// changes the password.
    func createAccount(_ req: Request) throws -> Response {
        let user = try operatorCaller(req)
        let orgID = try req.parameter("id")
        guard ID.isValid(orgID) else { throw APIError.notFound }
        let body = try req.decode(NewAccount.self)
        guard let role = Role(rawValue: body.role), role == .nationalCentre || role == .nationalSpecialtyCentre else {
            throw APIError.invalid("role", "只能创建国家质控中心或国家亚专业质控中心账号", code: "role_not_allowed")
        }
        try Validate.name(body.displayName, field: "displayName")
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        if let s = body.specialty, !Specialty.isValid(s) { throw APIError.invalid("specialty", "亚专业不存在", code: "invalid_specialty") }
        let users = UserStore(app: app)
        let view = try app.db.transaction { conn -> UserView in
            guard let org = try OrganisationStore(app: app).get(conn, id: orgID), org.kind == "national_centre" else { throw APIError.notFound }
            if role == .nationalCentre, body.specialty != nil {
                throw APIError.invalid("specialty", "国家质控中心账号不限亚专业", code: "role_not_allowed")
            }
            if role == .nationalSpecialtyCentre, body.specialty == nil, org.specialties.isEmpty {
                throw APIError.invalid("specialty", "请选择亚专业", code: "missing_field")
            }
            let specialties = try InternalHandlers.operatorGrantSpecialties(role: role, org: org, specialty: body.specialty)
            let username = try users.newUsername(conn)
            let password = PasswordPolicy.generate()
            let id = try users.create(conn, username: username, phone: body.phone, email: nil, displayName: body.displayName,
                                      orgID: org.id, mainAccountID: nil, password: password, mustChangePassword: true)
            for specialty in specialties {
                try users.grant(conn, userID: id, role: role, orgID: org.id, scopePath: org.scopePath, specialty: specialty)
            }
            try MessageStore.enqueue(conn, channel: "sms", to: body.phone,
                body: "【质控平台】平台运营已为您开通\(org.name)账号。用户名：\(username)，初始密码：\(password)，首次登录须修改密码。")
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "national_account_created", objectType: "user",
                                              objectID: id, newValue: Audit.json(["org": org.id, "role": role.rawValue,
                                                                                  "specialties": specialties.compactMap { $0 }.joined(separator: ",")]),
                                              request: req))
            return try users.view(conn, try users.get(conn, id: id)!, masked: true)
        }
        return .json(view, status: 201)
    }
}
