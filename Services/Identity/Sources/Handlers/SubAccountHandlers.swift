import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// A main account (institution administrator) manages its sub-accounts (NCIS 用户管理).
/// Every query carries `main_account_id = caller`, so nobody reaches another's accounts.
struct SubAccountHandlers: Sendable {
    let app: IdentityApp
    var users: UserStore { UserStore(app: app) }

    private func mainAccount(_ req: Request) throws -> (AccessClaims, User) {
        let (claims, user) = try AccountHandlers(app: app).currentUser(req)
        guard user.mainAccountID == nil, claims.roles.contains(where: { $0.role == .institutionAdmin || $0.role == .provincialCentre || $0.role == .nationalCentre }),
              user.orgID != nil else {
            throw APIError(403, "forbidden", "只有主账号可以管理子账号")
        }
        return (claims, user)
    }

    /// GET /api/identity/v1/users
    func list(_ req: Request) throws -> Response {
        let (_, main) = try mainAccount(req)
        let items = try app.db.withConnection { conn in try users.subAccounts(conn, mainID: main.id).map { try users.view(conn, $0, masked: true) } }
        return .json(Page(items: items, nextCursor: nil, total: items.count))
    }

    struct NewSubAccount: Codable, Sendable { let displayName: String; let phone: String; let email: String?; let role: String; let specialty: String? }
    struct Created: Codable, Sendable { let user: UserView; let message: String }

    /// POST /api/identity/v1/users: the initial password goes to the new user's phone by SMS.
    func create(_ req: Request) throws -> Response {
        let (_, main) = try mainAccount(req)
        let body = try req.decode(NewSubAccount.self)
        try Validate.name(body.displayName, field: "displayName")
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        if let e = body.email, !e.isEmpty, !ChineseFormats.isEmail(e) { throw APIError.invalid("email", "请输入正确的电子邮箱", code: "invalid_email") }
        guard let role = Role(rawValue: body.role) else { throw APIError.invalid("role", "角色有误") }
        if let s = body.specialty, !Specialty.isValid(s) { throw APIError.invalid("specialty", "亚专业不存在") }
        let orgID = main.orgID!
        let view = try app.db.transaction { conn -> UserView in
            // The main account's own grants at its organisation, read in this transaction.
            guard let org = try OrganisationStore(app: app).get(conn, id: orgID) else { throw APIError.forbidden }
            let grant = try Self.subAccountGrant(role: role, specialty: body.specialty, orgKind: org.kind,
                                                 mainGrants: try users.roles(conn, userID: main.id).filter { $0.orgID == orgID })
            let username = try users.newUsername(conn)
            let password = PasswordPolicy.generate()
            let id = try users.create(conn, username: username, phone: body.phone, email: body.email?.isEmpty == true ? nil : body.email,
                                      displayName: body.displayName, orgID: orgID, mainAccountID: main.id, password: password)
            try users.grant(conn, userID: id, role: grant.role, orgID: orgID, scopePath: grant.scopePath, specialty: grant.specialty)
            try MessageStore.enqueue(conn, channel: "sms", to: body.phone,
                body: "【质控平台】\(main.displayName)已为您开通账号，用户名：\(username)，初始密码：\(password)，首次登录须修改密码。")
            try Audit.record(conn, AuditEntry(actorID: main.id, actorOrg: orgID, action: "subaccount_created", objectType: "user", objectID: id,
                                              newValue: Audit.json(["username": username, "role": role.rawValue]), request: req))
            return try users.view(conn, try users.get(conn, id: id)!, masked: true)
        }
        return .json(Created(user: view, message: "子账号已创建，初始密码已通过短信发送至该手机号"), status: 201)
    }

    /// The grant of a new sub-account: never more than its main account's own. Hospital roles
    /// (specialty_admin, data_entry) only under an institution's admin, for one specialty, with
    /// the institution's own scope; at a centre only the main account's own role, scope and
    /// specialties. 422 `role_not_allowed` / `specialty_not_covered` otherwise.
    static func subAccountGrant(role: Role, specialty: String?, orgKind: String, mainGrants: [RoleAssignment]) throws -> RoleAssignment {
        let notAllowed = APIError.invalid("role", "子账号的角色不能超出主账号本身的权限", code: "role_not_allowed")
        let notCovered = APIError.invalid("specialty", "子账号的亚专业须在主账号负责的范围内", code: "specialty_not_covered")
        switch role {
        case .specialtyAdmin, .dataEntry:
            guard orgKind == "institution", let admin = mainGrants.first(where: { $0.role == .institutionAdmin }) else { throw notAllowed }
            guard let s = specialty else { throw APIError.invalid("specialty", "请选择亚专业", code: "missing_field") }
            guard admin.specialty == nil || admin.specialty == s else { throw notCovered }
            return RoleAssignment(role: role, orgID: admin.orgID, scopePath: admin.scopePath, specialty: s)
        case .institutionAdmin, .platformOperator, .cityCommission:
            throw notAllowed
        case .provincialCentre, .nationalCentre, .nationalSpecialtyCentre:
            guard orgKind != "institution" else { throw notAllowed }
            let own = mainGrants.filter { $0.role == role }
            guard !own.isEmpty else { throw notAllowed }
            if let whole = own.first(where: { $0.specialty == nil }) {
                return RoleAssignment(role: role, orgID: whole.orgID, scopePath: whole.scopePath, specialty: specialty)
            }
            guard let s = specialty else { throw APIError.invalid("specialty", "请选择亚专业", code: "missing_field") }
            guard let g = own.first(where: { $0.specialty == s }) else { throw notCovered }
            return g
        }
    }

    struct Edit: Codable, Sendable { let displayName: String?; let phone: String?; let email: String? }

    /// PATCH /api/identity/v1/users/:id
    func edit(_ req: Request) throws -> Response {
        let (_, main) = try mainAccount(req)
        let id = try req.parameter("id")
        let body = try req.decode(Edit.self)
        if let n = body.displayName { try Validate.name(n, field: "displayName") }
        if let p = body.phone, !ChineseFormats.isMobile(p) { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        if let e = body.email, !e.isEmpty, !ChineseFormats.isEmail(e) { throw APIError.invalid("email", "请输入正确的电子邮箱", code: "invalid_email") }
        let view = try app.db.transaction { conn -> UserView in
            guard let u = try users.subAccount(conn, mainID: main.id, id: id) else { throw APIError.notFound }
            // A phone typed in by the main account is not proved by the sub-account's holder.
            try users.updateProfile(conn, userID: u.id, displayName: body.displayName, email: body.email, phone: body.phone, phoneProved: false)
            try Audit.record(conn, AuditEntry(actorID: main.id, actorOrg: main.orgID, action: "subaccount_edited", objectType: "user", objectID: u.id,
                                              oldValue: Audit.json(["displayName": u.displayName, "phone": ChineseFormats.maskMobile(u.phone)]),
                                              newValue: Audit.json(["displayName": body.displayName ?? u.displayName, "phone": ChineseFormats.maskMobile(body.phone ?? u.phone)]),
                                              request: req))
            return try users.view(conn, try users.get(conn, id: u.id)!, masked: true)
        }
        return .json(view)
    }

    struct Status: Codable, Sendable { let enabled: Bool }

    /// POST /api/identity/v1/users/:id/status {"enabled": false} disables (and ends its sessions).
    func setStatus(_ req: Request) throws -> Response {
        let (_, main) = try mainAccount(req)
        let id = try req.parameter("id")
        let body = try req.decode(Status.self)
        let view = try app.db.transaction { conn -> UserView in
            guard let u = try users.subAccount(conn, mainID: main.id, id: id) else { throw APIError.notFound }
            let status = body.enabled ? "active" : "disabled"
            try users.setStatus(conn, userID: u.id, status: status)
            if !body.enabled { try users.revokeRefreshTokens(conn, userID: u.id) }
            try Audit.record(conn, AuditEntry(actorID: main.id, actorOrg: main.orgID, action: body.enabled ? "subaccount_enabled" : "subaccount_disabled",
                                              objectType: "user", objectID: u.id, oldValue: Audit.json(["status": u.status]),
                                              newValue: Audit.json(["status": status]), request: req))
            return try users.view(conn, try users.get(conn, id: u.id)!, masked: true)
        }
        return .json(view)
    }

    /// DELETE /api/identity/v1/users/:id (never the main account itself).
    func delete(_ req: Request) throws -> Response {
        let (_, main) = try mainAccount(req)
        let id = try req.parameter("id")
        guard id != main.id else { throw APIError.conflict("不能删除当前登录的主账号", code: "cannot_delete_self") }
        try app.db.transaction { conn in
            guard let u = try users.subAccount(conn, mainID: main.id, id: id) else { throw APIError.notFound }
            try users.setStatus(conn, userID: u.id, status: "deleted")
            try users.revokeRefreshTokens(conn, userID: u.id)
            try Audit.record(conn, AuditEntry(actorID: main.id, actorOrg: main.orgID, action: "subaccount_deleted", objectType: "user",
                                              objectID: u.id, request: req))
        }
        return .noContent()
    }

    /// POST /api/identity/v1/users/:id/reset-password: new initial password by SMS, change forced.
    func resetPassword(_ req: Request) throws -> Response {
        let (_, main) = try mainAccount(req)
        let id = try req.parameter("id")
        try app.db.transaction { conn in
            guard let u = try users.subAccount(conn, mainID: main.id, id: id) else { throw APIError.notFound }
            let password = PasswordPolicy.generate()
            try users.setPassword(conn, userID: u.id, password: password, mustChange: true)
            try MessageStore.enqueue(conn, channel: "sms", to: u.phone,
                body: "【质控平台】您的账号\(u.username)密码已被管理员重置，新密码：\(password)，登录后须修改密码。")
            try Audit.record(conn, AuditEntry(actorID: main.id, actorOrg: main.orgID, action: "subaccount_password_reset", objectType: "user",
                                              objectID: u.id, request: req))
        }
        return .json(["message": "密码已重置，新密码已通过短信发送"])
    }
}
