import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// A new data administrator whose phone already has an account (docs/accounts.md "A new data
/// administrator who already has an account"). One phone may hold accounts of several units
/// (registration opens one per unit; signing in by phone then asks for the login name), and an
/// account belongs to one unit. So:
/// - the phone has an account at this institution (a sub-account, say): that account becomes
///   the data administrator — no second account — once its holder proves the phone with an SMS
///   code (`POST /org-changes/admin-code {phone}`, then `newAdmin.code` with the change);
/// - the phone has accounts only at other units: a new account of this institution waits for
///   activation by SMS, as for a phone without an account.
struct AdminBindingHandlers: Sendable {
    let app: IdentityApp
    static let purpose = "admin_binding"

    struct CodeRequest: Codable, Sendable { let phone: String }

    /// POST /api/identity/v1/org-changes/admin-code {phone}: the institution's admin (main
    /// account) asks for a code to the phone of an account of the institution that is to become
    /// the data administrator. The usual per-phone limits apply.
    func sendCode(_ req: Request) throws -> Response {
        let (user, grant) = try AccountHandlers(app: app).institutionAdmin(req, message: "只有医疗机构管理员可以变更机构资料")
        let body = try req.decode(CodeRequest.self)
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        let target = try app.db.withConnection { try Self.accountHere($0, phone: body.phone, orgID: grant.orgID) }
        guard let target else {
            throw APIError.invalid("phone", "该手机号在本机构没有账号，无需验证；审批通过后将为其开通新账号", code: "no_account_here")
        }
        try Self.checkBindable(target, caller: user)
        try VerificationHandlers(app: app).sendCode(phone: body.phone, purpose: Self.purpose, ip: req.clientAddress)
        return .json(VerificationHandlers.CodeSent(phoneMasked: ChineseFormats.maskMobile(body.phone), expiresIn: app.config.smsCodeTTL,
                                                   resendAfter: app.config.smsCodeTTL), status: 201)
    }

    /// The (non-deleted) account of `phone` at the institution, if any (the oldest).
    static func accountHere(_ conn: PGConnection, phone: String, orgID: String) throws -> User? {
        try conn.query("""
            SELECT \(UserStore.columns) FROM users WHERE phone = $1 AND org_id = $2::uuid AND status <> 'deleted'
            ORDER BY created_at LIMIT 1
            """, [phone, orgID]).first.map(UserStore.decode)
    }

    /// Only an active account other than the caller's may be bound.
    static func checkBindable(_ u: User, caller: User) throws {
        guard u.id != caller.id else {
            throw APIError.invalid("newAdmin.phone", "新管理员不能是您本人", code: "already_admin")
        }
        guard u.status == "active" else {
            throw APIError.conflict("该手机号在本机构的账号未启用（已停用或待激活），请先启用该账号或换一个手机号", code: "account_not_active")
        }
    }

    /// The new admin of a submitted change: bound to the institution's account of that phone
    /// (the code proves the phone now), or nil (a new account on approval). The code itself is
    /// never stored.
    func resolve(_ conn: PGConnection, _ a: OrgChange.NewAdmin, orgID: String, caller: User) throws -> OrgChange.NewAdmin {
        var out = a
        out.code = nil
        out.userId = nil
        guard let here = try Self.accountHere(conn, phone: a.phone, orgID: orgID) else { return out }
        try Self.checkBindable(here, caller: caller)
        guard let code = a.code, !code.isEmpty else {
            throw APIError.invalid("newAdmin.code", "该手机号在本机构已有账号（\(Validate.maskUsername(here.username))），请获取并填写该手机收到的短信验证码，确认由该账号担任数据管理员",
                                   code: "sms_code_required")
        }
        try VerificationHandlers(app: app).verify(phone: a.phone, purpose: Self.purpose, code: code, field: "newAdmin.code")
        out.userId = here.id
        return out
    }

    /// On approval, before anything is applied: the bound account is still an active account
    /// of the institution (else the change is closed with the reason).
    static func stillBindable(_ conn: PGConnection, app: IdentityApp, userID: String, orgID: String) throws -> Bool {
        guard let u = try UserStore(app: app).get(conn, id: userID) else { return false }
        return u.orgID == orgID && u.status == "active"
    }

    /// On approval: the bound account takes the institution admin's grant and becomes a main
    /// account (before the old admins' sub-accounts move to it, so it is not moved under itself).
    static func bind(_ conn: PGConnection, app: IdentityApp, userID: String, orgID: String, scopePath: String) throws {
        try conn.query("UPDATE users SET main_account_id = NULL, updated_at = now() WHERE id = $1::uuid", [userID])
        try UserStore(app: app).grant(conn, userID: userID, role: .institutionAdmin, orgID: orgID, scopePath: scopePath, specialty: nil)
    }
}
