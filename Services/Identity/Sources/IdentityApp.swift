import Foundation
import KitCore
import KitCrypto
import KitPostgres
import ServiceKit

/// Limits and switches of the identity service, from the environment (README).
struct IdentityConfig: Sendable {
    var accessTokenTTL = 900
    var refreshTokenTTL = 7 * 24 * 3600
    var applicantTokenTTL = 2 * 3600
    var smsCodeTTL = 60
    var smsPerPhoneWindow = 600
    var smsPerPhoneMax = 5
    var smsPerIPMax = 30
    var captchaTTL = 120
    var maxFailedLogins = 3
    var lockSeconds = 180
    var loginCaptcha = true
    var smsLogin = true
    /// Programs whose users sign in without the SMS step (e.g. Zhejiang's monthly reporting).
    var smsLoginOffPrograms: Set<String> = []
    var passwordIterations = PasswordHasher.defaultIterations
    var portalURL = "http://127.0.0.1:8080"
    var credentialResendsPerHour = 3
    /// Submitting checks at documents that every required kind of material is uploaded to the
    /// application (REGISTRATION_CHECK_DOCUMENTS, default on; docs/registration.md).
    var checkRegistrationDocuments = true

    static func fromEnvironment() -> IdentityConfig {
        var c = IdentityConfig()
        c.accessTokenTTL = Env.int("ACCESS_TOKEN_TTL", c.accessTokenTTL)
        c.smsCodeTTL = Env.int("SMS_CODE_TTL", c.smsCodeTTL)
        c.smsPerPhoneMax = Env.int("SMS_PER_PHONE_MAX", c.smsPerPhoneMax)
        c.smsPerIPMax = Env.int("SMS_PER_IP_MAX", c.smsPerIPMax)
        c.maxFailedLogins = Env.int("LOGIN_MAX_FAILURES", c.maxFailedLogins)
        c.lockSeconds = Env.int("LOGIN_LOCK_SECONDS", c.lockSeconds)
        c.loginCaptcha = Env.bool("LOGIN_CAPTCHA", true)
        c.smsLogin = Env.bool("SMS_LOGIN", true)
        c.smsLoginOffPrograms = Set(Env.list("SMS_LOGIN_OFF_PROGRAMS", []))
        c.passwordIterations = Env.int("PASSWORD_ITERATIONS", c.passwordIterations)
        c.portalURL = Env.string("PORTAL_URL", Env.string("GATEWAY_URL", c.portalURL))
        c.checkRegistrationDocuments = Env.bool("REGISTRATION_CHECK_DOCUMENTS", true)
        return c
    }
}

/// What identity's handlers share.
struct IdentityApp: Sendable {
    let context: ServiceContext
    let keys: SigningKeys
    let config: IdentityConfig
    let signer: TokenSigner
    /// Key for hashing SMS codes and captcha answers (HMAC), derived from the signing seed.
    let codeKey: [UInt8]

    init(context: ServiceContext, keys: SigningKeys, config: IdentityConfig) {
        self.context = context
        self.keys = keys
        self.config = config
        self.signer = TokenSigner(key: keys.privateKey, keyID: keys.keyID)
        self.codeKey = HMACSHA256.mac(key: keys.privateKey.seed, message: "identity-code-hash-v1")
    }

    var db: PGPool { context.database }

    func codeHash(_ parts: String...) -> String {
        Hex.encode(HMACSHA256.mac(key: codeKey, message: parts.joined(separator: "|")))
    }
}
