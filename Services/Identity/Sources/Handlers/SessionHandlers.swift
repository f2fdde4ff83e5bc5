import Foundation
import KitCore
import KitCrypto
import KitHTTP
import Models
import ServiceKit

/// Login (password, then SMS code), refresh with rotation, logout.
struct SessionHandlers: Sendable {
    let app: IdentityApp
    var users: UserStore { UserStore(app: app) }
    var sessions: SessionStore { SessionStore(app: app) }
    var verification: VerificationHandlers { VerificationHandlers(app: app) }

    struct Login: Codable, Sendable {
        let login: String; let password: String; let captchaId: String?; let captchaAnswer: String?
        /// The reporting program the user signs in for; some programs skip the SMS step.
        let program: String?
    }
    struct Challenge: Codable, Sendable { let challengeId: String; let phoneMasked: String; let smsRequired: Bool; let expiresIn: Int }

    static let badCredentials = APIError(401, "invalid_credentials", "用户名或密码错误")

    /// POST /api/identity/v1/sessions
    func login(_ req: Request) throws -> Response {
        let body = try req.decode(Login.self)
        let login = body.login.trimmingCharacters(in: .whitespaces)
        guard !login.isEmpty else { throw APIError.invalid("login", "请输入用户名或手机号", code: "missing_field") }
        guard !body.password.isEmpty else { throw APIError.invalid("password", "请输入密码", code: "missing_field") }
        if app.config.loginCaptcha {
            guard let id = body.captchaId, let answer = body.captchaAnswer,
                  try VerificationStore(app: app).consumeCaptcha(id: id, answer: answer) else {
                throw APIError.invalid("captchaAnswer", "图形验证码错误或已过期，请刷新后重试", code: "captcha_invalid")
            }
        }
        let candidates = try users.find(login: login)
        // Claim the attempt before the slow password check: parallel guesses are counted one
        // by one, and only the first `maxFailedLogins` of a window are evaluated. Unknown
        // names are counted and locked the same way, so the answers never tell whether an
        // account exists, is locked or shares its phone, until the right password is shown.
        let attempts = LoginAttemptStore(app: app)
        let keys = candidates.isEmpty ? [LoginAttemptStore.key(login: login)] : candidates.map { LoginAttemptStore.key(userID: $0.id) }
        let claim = try attempts.claim(keys: keys)
        if claim.lockedSeconds > 0 { throw locked(claim.lockedSeconds) }
        if claim.attempt > app.config.maxFailedLogins { throw locked(try attempts.lock(keys: keys)) }
        let matching: [User]
        if candidates.isEmpty {
            // Same work and answer as a wrong password: no hint whether the account exists.
            _ = PasswordHasher.verify(body.password, against: Self.dummyHash)
            matching = []
        } else {
            matching = candidates.filter { PasswordHasher.verify(body.password, against: $0.passwordHash) }
        }
        guard let user = matching.first else {
            let frozen = claim.attempt >= app.config.maxFailedLogins ? try attempts.lock(keys: keys) : 0
            try app.db.transaction { conn in
                for u in candidates {
                    try Audit.record(conn, AuditEntry(actorID: u.id, action: frozen > 0 ? "account_locked" : "login_failed",
                                                      objectType: "user", objectID: u.id, request: req))
                }
            }
            if frozen > 0 { throw locked(frozen) }
            throw Self.badCredentials
        }
        try app.db.transaction { conn in try attempts.clear(conn, keys: keys) }
        // The password is right: now the account's own situation may be told.
        guard matching.count == 1 else {
            throw APIError.invalid("login", "该手机号关联多个账号，请使用用户名登录", code: "ambiguous_login")
        }
        guard user.status == "active" else { throw APIError(403, "account_disabled", "账号已停用，请联系管理员") }
        let roles = try users.roles(userID: user.id)
        // A program whose seeds have no SMS step: password only, but then the token is bound to
        // that program and carries only its reporting roles. Accounts with any other right
        // (approval, centre, operator, administrator) always pass the second factor.
        let program = body.program.flatMap { app.config.smsLoginOffPrograms.contains($0) ? $0 : nil }
        let reportingOnly = !roles.isEmpty && roles.allSatisfy { AccessClaims.programRoles.contains($0.role) }
        if app.config.smsLogin && user.smsLogin {
            if let program, reportingOnly {
                return .json(try finishLogin(user, req, program: program))
            }
            let challenge = try app.db.transaction { conn in try sessions.createChallenge(conn, userID: user.id) }
            try verification.sendCode(phone: user.phone, purpose: "login", ip: req.clientAddress)
            return .json(Challenge(challengeId: challenge, phoneMasked: ChineseFormats.maskMobile(user.phone), smsRequired: true,
                                   expiresIn: app.config.smsCodeTTL), status: 202)
        }
        return .json(try finishLogin(user, req))
    }

    private func locked(_ seconds: Int) -> APIError {
        let minutes = max(1, (seconds + 59) / 60)
        return APIError(423, "account_locked", "密码错误次数过多，账号已冻结，请\(minutes)分钟后再试", retryAfter: seconds)
    }

    /// A hash to verify against when the account does not exist (constant work).
    static let dummyHash = PasswordHasher.hash("not-a-real-password", iterations: PasswordHasher.defaultIterations)

    struct VerifyLogin: Codable, Sendable { let challengeId: String; let code: String }

    /// POST /api/identity/v1/sessions/verify: the SMS step.
    func verifyLogin(_ req: Request) throws -> Response {
        let body = try req.decode(VerifyLogin.self)
        guard let userID = try app.db.transaction({ conn in try sessions.challengeUser(conn, id: body.challengeId) }),
              let user = try users.get(id: userID) else {
            throw APIError.invalid("challengeId", "登录已过期，请重新输入密码", code: "challenge_invalid")
        }
        try verification.verify(phone: user.phone, purpose: "login", code: body.code)
        try app.db.transaction { conn in try sessions.useChallenge(conn, id: body.challengeId) }
        return .json(try finishLogin(user, req, phoneProved: true))
    }

    /// `program`: a password-only login for that program (token bound to it, reporting roles only).
    private func finishLogin(_ user: User, _ req: Request, program: String? = nil, phoneProved: Bool = false) throws -> SessionTokens {
        try app.db.transaction { conn in
            try users.recordSuccess(conn, userID: user.id, phoneProved: phoneProved)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: program == nil ? "login" : "program_login",
                                              objectType: "user", objectID: user.id,
                                              newValue: program.flatMap { Audit.json(["program": $0]) }, request: req))
            return try TokenIssuer(app: app).session(conn, user: user, program: program)
        }
    }

    struct Refresh: Codable, Sendable { let refreshToken: String }

    /// POST /api/identity/v1/sessions/refresh: rotates the refresh token.
    func refresh(_ req: Request) throws -> Response {
        let body = try req.decode(Refresh.self)
        let invalid = APIError(401, "refresh_invalid", "登录已失效，请重新登录")
        let result: SessionTokens? = try app.db.transaction { conn in
            switch try sessions.checkRefresh(conn, token: body.refreshToken) {
            case .invalid:
                return nil
            case .reused(let userID):
                try users.revokeRefreshTokens(conn, userID: userID)
                try Audit.record(conn, AuditEntry(actorID: userID, action: "refresh_reuse_detected", objectType: "user", objectID: userID, request: req))
                return nil
            case .ok(let userID, let oldID, let program):
                guard let user = try users.get(conn, id: userID), user.status == "active" else { return nil }
                let tokens = try TokenIssuer(app: app).session(conn, user: user, program: program)
                try sessions.rotate(conn, oldID: oldID, newID: tokens.refreshID)
                return tokens
            }
        }
        guard let tokens = result else { throw invalid }
        return .json(tokens)
    }

    /// POST /api/identity/v1/sessions/logout: revokes the refresh token.
    func logout(_ req: Request) throws -> Response {
        let body = try req.decode(Refresh.self)
        _ = try app.db.transaction { conn in try sessions.revoke(conn, token: body.refreshToken) }
        return .noContent()
    }
}
