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
        let (claims, main) = try mainAccount(req)
        let body = try req.decode(NewSubAccount.self)
        try Validate.name(body.displayName, field: "displayName")
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        if let e = body.email, !e.isEmpty, !ChineseFormats.isEmail(e) { throw APIError.invalid("email", "请输入正确的电子邮箱", code: "invalid_email") }
        guard let role = Role(rawValue: body.role), role == .specialtyAdmin || role == .dataEntry else {
            throw APIError.invalid("role", "子账号角色只能是亚专业管理员或数据填报员")
        }
        if let s = body.specialty, !Specialty.isValid(s) { throw APIError.invalid("specialty", "亚专业不存在") }
        let orgID = main.orgID!
        guard let grant = claims.roles.first(where: { $0.orgID == orgID }) else { throw APIError.forbidden }
        let view = try app.db.transaction { conn -> UserView in
            let username = try users.newUsername(conn)
            let password = PasswordPolicy.generate()
            let id = try users.create(conn, username: username, phone: body.phone, email: body.email?.isEmpty == true ? nil : body.email,
                                      displayName: body.displayName, orgID: orgID, mainAccountID: main.id, password: password)
            try users.grant(conn, userID: id, role: role, orgID: orgID, scopePath: grant.scopePath, specialty: body.specialty)
            try MessageStore.enqueue(conn, channel: "sms", to: body.phone,
                body: "【质控平台】\(main.displayName)已为您开通账号，用户名：\(username)，初始密码：\(password)，首次登录须修改密码。")
            try Audit.record(conn, AuditEntry(actorID: main.id, actorOrg: orgID, action: "subaccount_created", objectType: "user", objectID: id,
                                              newValue: Audit.json(["username": username, "role": role.rawValue]), request: req))
            return try users.view(conn, try users.get(conn, id: id)!, masked: true)
        }
        return .json(Created(user: view, message: "子账号已创建，初始密码已通过短信发送至该手机号"), status: 201)
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
            try conn.query("""
                UPDATE users SET display_name = coalesce($2, display_name), phone = coalesce($3, phone),
                email = CASE WHEN $4::text IS NULL THEN email ELSE nullif($4, '') END, updated_at = now() WHERE id = $1::uuid
                """, [u.id, body.displayName, body.phone, body.email])
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
            try conn.query("UPDATE users SET status = $2, updated_at = now() WHERE id = $1::uuid", [u.id, status])
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
            try conn.query("UPDATE users SET status = 'deleted', updated_at = now() WHERE id = $1::uuid", [u.id])
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
