import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// 忘记密码 by login name, registered e-mail or verified phone (NCIS: 用户名/邮箱/手机号).
/// - e-mail address → a single-use link (30 min) to every active account registered with it;
/// - phone → an SMS code (purpose "reset", 60 s, the phone's 5-per-10-min limit) to that phone
///   when an active account proved it;
/// - login name → the link when the account has an e-mail, else the code to its proved phone.
/// A captcha comes first (as for every anonymous SMS). The answer is the same whether or not
/// anything was sent, throttled sends included, so it never tells whether an account exists.
struct PasswordRecovery: Sendable {
    let app: IdentityApp
    var users: UserStore { UserStore(app: app) }
    static let purpose = "reset"
    static let accepted = "如账号存在，重置链接已发送至登记的电子邮箱，或验证码已发送至账号验证过的手机"

    struct Start: Codable, Sendable { let login: String; let captchaId: String?; let captchaAnswer: String? }

    func start(_ req: Request) throws -> Response {
        let body = try req.decode(Start.self)
        let login = body.login.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !login.isEmpty, login.count <= 100 else { throw APIError.invalid("login", "请输入用户名、邮箱或手机号", code: "missing_field") }
        guard let cid = body.captchaId, let answer = body.captchaAnswer,
              try VerificationStore(app: app).consumeCaptcha(id: cid, answer: answer) else {
            throw APIError.invalid("captchaAnswer", "图形验证码错误或已过期，请刷新后重试", code: "captcha_invalid")
        }
        var smsTo: String?
        try app.db.transaction { conn in
            if ChineseFormats.isEmail(login) {
                for user in try users.byEmail(conn, email: login) { try link(conn, user: user, email: user.email ?? login, req: req) }
            } else if ChineseFormats.isMobile(login) {
                if !(try users.byVerifiedPhone(conn, phone: login).isEmpty) { smsTo = login }
            } else if let user = try users.byUsername(conn, username: login).first {
                if let email = user.email, !email.isEmpty { try link(conn, user: user, email: email, req: req) }
                else if user.phoneVerified { smsTo = user.phone }
            }
        }
        if let phone = smsTo {
            do {
                try VerificationHandlers(app: app).sendCode(phone: phone, purpose: Self.purpose, ip: req.clientAddress, limitByAddress: true)
            } catch let e as APIError where e.status == 429 {
                // Throttled: nothing is sent, and the answer stays the one every identifier gets.
            }
        }
        return .json(["status": "accepted", "message": Self.accepted], status: 202)
    }

    private func link(_ conn: PGConnection, user: User, email: String, req: Request) throws {
        let sessions = SessionStore(app: app)
        guard try sessions.recentResets(conn, userID: user.id) < 3 else { return }
        let token = try sessions.createReset(conn, userID: user.id)
        let link = "\(app.config.portalURL)/#/reset-password?token=\(token)"
        try MessageStore.enqueue(conn, channel: "email", to: email, subject: "质控上报平台密码重置",
            body: "\(user.displayName)，您好：\r\n\r\n您的用户名是 \(user.username)。请在30分钟内打开以下链接设置新密码（仅可使用一次）：\r\n\(link)\r\n\r\n如非本人操作，请忽略本邮件。")
        try Audit.record(conn, AuditEntry(actorID: user.id, action: "password_reset_requested", objectType: "user", objectID: user.id,
                                          newValue: Audit.json(["channel": "email"]), request: req))
    }

    struct Confirm: Codable, Sendable {
        let token: String?; let login: String?; let code: String?; let username: String?; let newPassword: String
    }

    /// POST /password-resets/confirm: `{token, newPassword}` (the e-mailed link) or
    /// `{login, code, newPassword}` (the SMS code; `username` picks the account when several share
    /// the phone). Every failure of a code says the same thing (never whether the account exists).
    func confirm(_ req: Request) throws -> Response {
        let body = try req.decode(Confirm.self)
        if let token = body.token, !token.isEmpty {
            try app.db.transaction { conn in
                guard let userID = try SessionStore(app: app).consumeReset(conn, token: token),
                      let user = try users.get(conn, id: userID) else {
                    throw APIError.invalid("token", "重置链接无效或已过期，请重新申请", code: "reset_invalid")
                }
                try setPassword(conn, user: user, password: body.newPassword, channel: "email", req: req)
            }
            return .noContent()
        }
        let login = (body.login ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !login.isEmpty else { throw APIError.invalid("login", "请输入用户名或手机号", code: "missing_field") }
        guard let code = body.code, !code.isEmpty else { throw APIError.invalid("code", "请输入短信验证码", code: "missing_field") }
        // Check the new password before the code is spent.
        try PasswordPolicy.check(body.newPassword, username: body.username ?? (ChineseFormats.isMobile(login) ? "" : login),
                                 phone: ChineseFormats.isMobile(login) ? login : "")
        let candidates = try app.db.withConnection { conn -> [User] in
            if ChineseFormats.isMobile(login) { return try users.byVerifiedPhone(conn, phone: login) }
            return try users.byUsername(conn, username: login).filter { $0.phoneVerified && ($0.email ?? "").isEmpty }
        }
        let invalid = APIError.invalid("code", "短信验证码错误或已过期，请重新获取", code: "reset_code_invalid")
        guard let phone = candidates.first?.phone else { throw invalid }
        guard case .ok = try VerificationStore(app: app).checkCode(phone: phone, purpose: Self.purpose, code: code) else { throw invalid }
        let chosen = candidates.count == 1 ? candidates : candidates.filter { $0.username == body.username }
        guard chosen.count == 1, let user = chosen.first else {
            throw APIError.invalid("username", "该手机号绑定了多个账号，请输入要找回的用户名后重新获取验证码", code: "ambiguous_login")
        }
        try app.db.transaction { conn in try setPassword(conn, user: user, password: body.newPassword, channel: "sms", req: req) }
        return .noContent()
    }

    private func setPassword(_ conn: PGConnection, user: User, password: String, channel: String, req: Request) throws {
        try PasswordPolicy.check(password, username: user.username, phone: user.phone)
        try users.setPassword(conn, userID: user.id, password: password, mustChange: false)
        try Audit.record(conn, AuditEntry(actorID: user.id, action: "password_reset", objectType: "user", objectID: user.id,
                                          newValue: Audit.json(["channel": channel]), request: req))
    }
}
