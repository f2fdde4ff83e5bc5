import Foundation
import KitCore
import KitCrypto
import KitHTTP
import Models
import ServiceKit

/// Old accounts (docs/accounts.md): the platform operator imports institutions and their
/// administrators (dry run, then commit of exactly the dry run); each administrator activates
/// the account by an SMS code to the phone on file; anyone renames their own login name.
struct AccountImportHandlers: Sendable {
    let app: IdentityApp
    var store: AccountImportStore { AccountImportStore(app: app) }

    func operatorCaller(_ req: Request) throws -> (AccessClaims, User) { try AccountHandlers(app: app).operatorUser(req) }

    /// POST /api/identity/v1/account-imports?name=<file name>: the file as the body (CSV in
    /// UTF-8, GB18030 or GBK, or XLSX). A dry run: nothing but the staged result is stored.
    func dryRun(_ req: Request) throws -> Response {
        let (_, user) = try operatorCaller(req)
        let name = req.query["name"].map { String($0.prefix(200)) }
        let table = try AccountImport.table(req.body)
        let checked = try AccountImport.check(table.rows)
        let id = ID.new()
        try app.db.transaction { conn in
            let dbIssues = try store.conflicts(conn, checked.rows) + store.unknownRegions(conn, checked.refusedRegions)
            let refusedRows = Set(dbIssues.map(\.row))
            let issues = (checked.issues + dbIssues).sorted { ($0.row, $0.column) < ($1.row, $1.column) }
            let rows = checked.rows.filter { !refusedRows.contains($0.row) }
            try store.save(conn, id: id, by: user.id, fileName: name, format: table.format, encoding: table.encoding,
                           rowCount: rows.count + Set(issues.map(\.row)).count, rows: rows, errors: issues)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "account_import_staged", objectType: "account_import",
                                              objectID: id, newValue: Audit.json(["rows": "\(rows.count)", "errors": "\(issues.count)"]), request: req))
        }
        return .json(try app.db.withConnection { try store.get($0, id: id)! }, status: 201)
    }

    /// GET /api/identity/v1/account-imports/:id
    func get(_ req: Request) throws -> Response {
        _ = try operatorCaller(req)
        guard let v = try app.db.withConnection({ try store.get($0, id: try req.parameter("id")) }) else { throw APIError.notFound }
        return .json(v)
    }

    /// POST /api/identity/v1/account-imports/:id/commit: creates exactly the staged rows in one
    /// transaction, or nothing (a dry run with errors, one already committed, or a row that
    /// meanwhile conflicts: 409/422 with the rows).
    func commit(_ req: Request) throws -> Response {
        let (_, user) = try operatorCaller(req)
        let id = try req.parameter("id")
        let view = try app.db.transaction { conn -> AccountImportView in
            try store.lock(conn)
            guard let staged = try store.get(conn, id: id, lock: true) else { throw APIError.notFound }
            guard staged.status == "staged" else { throw APIError.conflict("该批次已导入，不能重复提交", code: "import_committed") }
            guard staged.errorCount == 0 else {
                throw APIError.invalid("file", "试导入发现\(staged.errorCount)处错误，请修改文件后重新试导入", code: "import_has_errors")
            }
            let now = try store.conflicts(conn, staged.rows)
            guard now.isEmpty else {
                let rows = Array(Set(now.map(\.row))).sorted().prefix(20).map(String.init).joined(separator: "、")
                throw APIError.conflict("试导入后数据已变化（第\(rows)行），请重新试导入", code: "import_stale")
            }
            var result: [[String: String]] = []
            for r in staged.rows {
                let made = try store.create(conn, r)
                result.append(["row": "\(r.row)", "organisation": made.orgID, "user": made.userID])
            }
            try store.markCommitted(conn, id: id, result: result)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "account_import_committed", objectType: "account_import",
                                              objectID: id, newValue: Audit.json(["rows": "\(staged.rows.count)"]), request: req))
            return try store.get(conn, id: id)!
        }
        return .json(view)
    }

    struct ActivationCode: Codable, Sendable { let phone: String; let captchaId: String; let captchaAnswer: String }

    /// POST /api/identity/v1/activation/sms-code: captcha, then a code (purpose "activation",
    /// the usual limits: 60 s, 5 per 10 min per phone, per address) when the phone has an
    /// account waiting for activation. The answer is the same either way.
    func activationCode(_ req: Request) throws -> Response {
        let body = try req.decode(ActivationCode.self)
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        guard try VerificationStore(app: app).consumeCaptcha(id: body.captchaId, answer: body.captchaAnswer) else {
            throw APIError.invalid("captchaAnswer", "图形验证码错误或已过期，请刷新后重试", code: "captcha_invalid")
        }
        if try store.hasPending(phone: body.phone) {
            try VerificationHandlers(app: app).sendCode(phone: body.phone, purpose: "activation", ip: req.clientAddress, limitByAddress: true)
        }
        return .json(VerificationHandlers.CodeSent(phoneMasked: ChineseFormats.maskMobile(body.phone), expiresIn: app.config.smsCodeTTL,
                                                   resendAfter: app.config.smsCodeTTL), status: 201)
    }

    struct Activation: Codable, Sendable { let phone: String; let code: String; let username: String; let password: String }
    struct Activated: Codable, Sendable { let username: String; let orgName: String? }

    /// POST /api/identity/v1/activation: the code, the chosen login name and password. The
    /// account becomes active with the grants it was imported with; then one signs in as usual.
    func activate(_ req: Request) throws -> Response {
        let body = try req.decode(Activation.self)
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        try LoginName.check(body.username)
        try PasswordPolicy.check(body.password, username: body.username, phone: body.phone, field: "password")
        try VerificationHandlers(app: app).verify(phone: body.phone, purpose: "activation", code: body.code)
        let done = try app.db.transaction { conn -> Activated in
            guard let user = try store.pending(conn, phone: body.phone) else {
                throw APIError(404, "not_pending", "该手机号没有待激活的账号")
            }
            try store.lockName(conn, body.username)
            guard try !store.nameTaken(conn, body.username, except: user.id) else {
                throw APIError.conflict("该用户名已被使用，请换一个", code: "username_taken")
            }
            try store.activate(conn, userID: user.id, username: body.username)
            try UserStore(app: app).setPassword(conn, userID: user.id, password: body.password, mustChange: false)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "account_activated", objectType: "user",
                                              objectID: user.id, newValue: Audit.json(["username": body.username]), request: req))
            let v = try UserStore(app: app).view(conn, try UserStore(app: app).get(conn, id: user.id)!, masked: true)
            return Activated(username: body.username, orgName: v.orgName)
        }
        return .json(done)
    }

    struct Rename: Codable, Sendable { let username: String; let password: String }

    /// PATCH /api/identity/v1/me/username: a new login name, confirmed by the password; the
    /// same rule as activation, unique ignoring case; audited with the old and new names.
    func rename(_ req: Request) throws -> Response {
        let (_, user) = try AccountHandlers(app: app).currentUser(req)
        let body = try req.decode(Rename.self)
        guard PasswordHasher.verify(body.password, against: user.passwordHash) else {
            throw APIError.invalid("password", "密码错误", code: "wrong_password")
        }
        try LoginName.check(body.username)
        guard body.username != user.username else { throw APIError.invalid("username", "新用户名与原用户名相同", code: "same_username") }
        let view = try app.db.transaction { conn -> UserView in
            try store.lockName(conn, body.username)
            guard try !store.nameTaken(conn, body.username, except: user.id) else {
                throw APIError.conflict("该用户名已被使用，请换一个", code: "username_taken")
            }
            try store.rename(conn, userID: user.id, username: body.username)
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: user.orgID, action: "username_changed", objectType: "user",
                                              objectID: user.id, oldValue: Audit.json(["username": user.username]),
                                              newValue: Audit.json(["username": body.username]), request: req))
            return try UserStore(app: app).view(conn, try UserStore(app: app).get(conn, id: user.id)!, masked: false)
        }
        return .json(view)
    }
}
