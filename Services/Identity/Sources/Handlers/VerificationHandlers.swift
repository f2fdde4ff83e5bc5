import Foundation
import KitCore
import KitCrypto
import KitHTTP
import KitMedia
import Models
import ServiceKit

/// Image captcha and SMS codes.
struct VerificationHandlers: Sendable {
    let app: IdentityApp
    var store: VerificationStore { VerificationStore(app: app) }

    struct CaptchaAnswer: Codable, Sendable { let id: String; let image: String; let expiresIn: Int }

    /// GET /api/identity/v1/captcha → a PNG (data URL) and its id; the answer is stored hashed.
    func captcha(_ req: Request) throws -> Response {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        let answer = SecureRandom.string(4, alphabet: alphabet)
        let png = CaptchaRenderer.render(answer: answer) { n in Int(SecureRandom.bytes(2).withUnsafeBytes { $0.load(as: UInt16.self) }) % n }
        let id = try store.createCaptcha(answer: answer, keepAnswer: app.context.settings.devMode)
        var r = Response.json(CaptchaAnswer(id: id, image: "data:image/png;base64," + Data(png).base64EncodedString(),
                                            expiresIn: app.config.captchaTTL))
        r.headers.append(("Cache-Control", "no-store"))
        return r
    }

    struct SendCode: Codable, Sendable { let phone: String; let purpose: String; let captchaId: String; let captchaAnswer: String }
    struct CodeSent: Codable, Sendable { let phoneMasked: String; let expiresIn: Int; let resendAfter: Int }

    static let purposes: Set<String> = ["register", "lookup", "profile", "status"]

    /// POST /api/identity/v1/sms-codes: captcha first, then throttles (5 per phone per 10 min
    /// as in the seeds, and per client IP), then a 6-digit code valid 60 s. The portal shows
    /// the 60 s countdown; a new code replaces the previous one.
    func sendCode(_ req: Request) throws -> Response {
        let body = try req.decode(SendCode.self)
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        guard Self.purposes.contains(body.purpose) else { throw APIError.invalid("purpose", "不支持的验证码用途") }
        guard try store.consumeCaptcha(id: body.captchaId, answer: body.captchaAnswer) else {
            throw APIError.invalid("captchaAnswer", "图形验证码错误或已过期，请刷新后重试", code: "captcha_invalid")
        }
        try sendCode(phone: body.phone, purpose: body.purpose, ip: req.clientAddress, limitByAddress: true)
        return .json(CodeSent(phoneMasked: ChineseFormats.maskMobile(body.phone), expiresIn: app.config.smsCodeTTL,
                              resendAfter: app.config.smsCodeTTL), status: 201)
    }

    /// Sends a code (after the caller checked who may ask for it). Anonymous requests are also
    /// limited per client address; codes behind a correct password only per phone.
    func sendCode(phone: String, purpose: String, ip: String, limitByAddress: Bool = false) throws {
        try app.db.transaction { conn in
            // Serialise sends per phone so a flood cannot slip past the count.
            try store.lockPhone(conn, phone: phone)
            if let wait = try store.phoneWait(conn, phone: phone) {
                throw APIError.tooManyRequests(retryAfter: wait, message: "发送过于频繁，请\(wait)秒后再试")
            }
            if limitByAddress, try store.ipCount(conn, ip: ip) >= app.config.smsPerIPMax {
                throw APIError.tooManyRequests(retryAfter: 600, message: "当前网络发送验证码过于频繁，请稍后再试")
            }
            let code = SecureRandom.digits(6)
            try store.insertCode(conn, phone: phone, purpose: purpose, code: code, ip: ip)
            try MessageStore.enqueue(conn, channel: "sms", to: phone,
                                     body: "【质控平台】您的验证码是\(code)，\(app.config.smsCodeTTL)秒内有效，请勿泄露。")
        }
    }

    /// Checks a code; distinct errors for missing, expired, used and wrong codes.
    func verify(phone: String, purpose: String, code: String, field: String = "code") throws {
        switch try store.checkCode(phone: phone, purpose: purpose, code: code) {
        case .ok: return
        case .missing: throw APIError.invalid(field, "请先获取短信验证码", code: "sms_code_missing")
        case .expired: throw APIError.invalid(field, "短信验证码已过期，请重新获取", code: "sms_code_expired")
        case .used: throw APIError.invalid(field, "短信验证码已使用，请重新获取", code: "sms_code_used")
        case .wrong: throw APIError.invalid(field, "短信验证码错误", code: "sms_code_invalid")
        }
    }
}
