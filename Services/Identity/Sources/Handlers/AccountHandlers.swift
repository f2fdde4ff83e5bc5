import Foundation
import KitCore
import KitCrypto
import KitHTTP
import Models
import ServiceKit

/// The signed-in user's own account, password resets and account lookup.
struct AccountHandlers: Sendable {
    let app: IdentityApp
    var users: UserStore { UserStore(app: app) }

    /// The caller's live account (token valid and account still active).
    /// `allowProgram`: routes a password-only program login may use (its own account view and
    /// password change; the new tokens keep the program binding).
    func currentUser(_ req: Request, allowPasswordChange: Bool = false, allowProgram: Bool = false) throws -> (AccessClaims, User) {
        let claims = try app.context.caller(req, allowPasswordChange: allowPasswordChange, allowProgram: allowProgram)
        guard let user = try users.get(id: claims.sub), user.status == "active" else { throw APIError.unauthorized }
        return (claims, user)
    }

    /// The signed-in platform operator: the token's role and the grant in the database now (a
    /// grant withdrawn since the token was issued no longer counts); 403 for everyone else.
    func operatorUser(_ req: Request) throws -> (AccessClaims, User) {
        let (claims, user) = try currentUser(req)
        guard claims.has(.platformOperator),
              try app.db.withConnection({ try users.holds($0, userID: user.id, role: .platformOperator) }) else { throw APIError.forbidden }
        return (claims, user)
    }

    /// The signed-in administrator (main account) of an institution: the token's grant and the
    /// same grant, at the same institution, in the database now (one withdrawn since the token
    /// was issued no longer counts); 403 with `message` for everyone else.
    func institutionAdmin(_ req: Request, message: String) throws -> (User, RoleAssignment) {
        let (claims, user) = try currentUser(req)
        guard user.mainAccountID == nil, let grant = claims.roles.first(where: { $0.role == .institutionAdmin }),
              try app.db.withConnection({ try users.holds($0, userID: user.id, role: .institutionAdmin, orgID: grant.orgID) }) else {
            throw APIError(403, "forbidden", message)
        }
        return (user, grant)
    }

    /// GET /api/identity/v1/me
    func me(_ req: Request) throws -> Response {
        let (_, user) = try currentUser(req, allowPasswordChange: true, allowProgram: true)
        return .json(try app.db.withConnection { try users.view($0, user, masked: false) })
    }

    struct ProfileChange: Codable, Sendable {
        let displayName: String?; let email: String?; let phone: String?; let code: String
        /// The code sent to the new phone (POST /me/sms-code {"phone": new}); required to change it.
        let newPhoneCode: String?
    }

    /// PATCH /api/identity/v1/me: name, e-mail or phone, confirmed by an SMS code to the
    /// current phone (purpose "profile"; request it with POST /me/sms-code). A new phone is
    /// also confirmed by a code sent to it (`newPhoneCode`, purpose "phone_change"), so an
    /// account can only take a phone its holder has.
    func updateProfile(_ req: Request) throws -> Response {
        let (_, user) = try currentUser(req)
        let body = try req.decode(ProfileChange.self)
        if let n = body.displayName { try Validate.name(n, field: "displayName") }
        if let e = body.email, !e.isEmpty, !ChineseFormats.isEmail(e) { throw APIError.invalid("email", "请输入正确的电子邮箱", code: "invalid_email") }
        if let p = body.phone, !ChineseFormats.isMobile(p) { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        let newPhone = body.phone.flatMap { $0 == user.phone ? nil : $0 }
        if newPhone != nil, body.newPhoneCode?.isEmpty ?? true {
            throw APIError.invalid("newPhoneCode", "请输入新手机号收到的验证码", code: "missing_field")
        }
        try VerificationHandlers(app: app).verify(phone: user.phone, purpose: "profile", code: body.code)
        if let p = newPhone { try VerificationHandlers(app: app).verify(phone: p, purpose: "phone_change", code: body.newPhoneCode ?? "", field: "newPhoneCode") }
        let view = try app.db.transaction { conn -> UserView in
            try users.updateProfile(conn, userID: user.id, displayName: body.displayName, email: body.email, phone: newPhone, phoneProved: true)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "profile_updated", objectType: "user",
                                              objectID: user.id, oldValue: Audit.json(["displayName": user.displayName, "phone": ChineseFormats.maskMobile(user.phone)]),
                                              newValue: Audit.json(["displayName": body.displayName ?? user.displayName, "phone": ChineseFormats.maskMobile(newPhone ?? user.phone)]),
                                              request: req))
            return try users.view(conn, try users.get(conn, id: user.id)!, masked: false)
        }
        return .json(view)
    }

    struct ProfileCode: Codable, Sendable { let phone: String? }

    /// POST /api/identity/v1/me/sms-code: a code to the signed-in user's phone, or with
    /// `{"phone": new}` to the new phone the user wants (purpose "phone_change").
    func profileCode(_ req: Request) throws -> Response {
        let (_, user) = try currentUser(req)
        let body = req.body.isEmpty ? ProfileCode(phone: nil) : try req.decode(ProfileCode.self)
        if let p = body.phone, p != user.phone {
            guard ChineseFormats.isMobile(p) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
            try VerificationHandlers(app: app).sendCode(phone: p, purpose: "phone_change", ip: req.clientAddress)
            return .json(["phoneMasked": ChineseFormats.maskMobile(p)], status: 201)
        }
        try VerificationHandlers(app: app).sendCode(phone: user.phone, purpose: "profile", ip: req.clientAddress)
        return .json(["phoneMasked": ChineseFormats.maskMobile(user.phone)], status: 201)
    }

    struct PasswordChange: Codable, Sendable { let oldPassword: String; let newPassword: String }

    /// POST /api/identity/v1/me/password: with the old password; revokes other sessions and
    /// returns fresh tokens.
    func changePassword(_ req: Request) throws -> Response {
        let (claims, user) = try currentUser(req, allowPasswordChange: true, allowProgram: true)
        let body = try req.decode(PasswordChange.self)
        guard PasswordHasher.verify(body.oldPassword, against: user.passwordHash) else {
            throw APIError.invalid("oldPassword", "原密码错误", code: "wrong_password")
        }
        guard body.oldPassword != body.newPassword else {
            throw APIError.invalid("newPassword", "新密码不能与原密码相同", code: "weak_password")
        }
        try PasswordPolicy.check(body.newPassword, username: user.username, phone: user.phone)
        let tokens = try app.db.transaction { conn -> SessionTokens in
            try users.setPassword(conn, userID: user.id, password: body.newPassword, mustChange: false)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "password_changed", objectType: "user",
                                              objectID: user.id, request: req))
            return try TokenIssuer(app: app).session(conn, user: try users.get(conn, id: user.id)!, program: claims.program)
        }
        return .json(tokens)
    }

    /// POST /api/identity/v1/password-resets: by login name, e-mail or verified phone
    /// (PasswordRecovery). Always the same 202, whether or not an account exists.
    func requestReset(_ req: Request) throws -> Response { try PasswordRecovery(app: app).start(req) }

    /// POST /api/identity/v1/password-resets/confirm: the e-mailed link's token, or the SMS code.
    func confirmReset(_ req: Request) throws -> Response { try PasswordRecovery(app: app).confirm(req) }

    struct Lookup: Codable, Sendable { let phone: String; let code: String }
    struct LookupItem: Codable, Sendable { let username: String; let orgName: String?; let roles: [String] }

    /// POST /api/identity/v1/accounts/lookup: usernames of a verified phone, masked (账号查询).
    func lookup(_ req: Request) throws -> Response {
        let body = try req.decode(Lookup.self)
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        try VerificationHandlers(app: app).verify(phone: body.phone, purpose: "lookup", code: body.code)
        let items = try app.db.withConnection { conn in
            try users.byPhone(conn, phone: body.phone).map { u in
                let v = try users.view(conn, u, masked: true)
                return LookupItem(username: Validate.maskUsername(u.username), orgName: v.orgName, roles: v.roles.map(\.role.title))
            }
        }
        return .json(["items": items])
    }
}
