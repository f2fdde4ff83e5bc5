import Foundation
import KitCore
import KitPostgres
import Models

/// Captchas and SMS codes: stored hashed, single use, short-lived; send counts for throttles.
struct VerificationStore: Sendable {
    let app: IdentityApp

    func createCaptcha(answer: String, keepAnswer: Bool) throws -> String {
        let id = ID.new()
        try app.db.query("""
            INSERT INTO captchas (id, answer_hash, answer_dev, expires_at)
            VALUES ($1::uuid, $2, $3, now() + make_interval(secs => $4))
            """, [id, app.codeHash("captcha", id, answer.uppercased()), keepAnswer ? answer : nil, app.config.captchaTTL])
        return id
    }

    /// Consumes a captcha (single use, also when the answer is wrong).
    func consumeCaptcha(id: String, answer: String) throws -> Bool {
        guard ID.isValid(id) else { return false }
        let row = try app.db.query("""
            UPDATE captchas SET used_at = now()
            WHERE id = $1::uuid AND used_at IS NULL AND expires_at > now()
            RETURNING answer_hash
            """, [id]).first
        guard let hash = try row?.string("answer_hash") else { return false }
        return hash == app.codeHash("captcha", id, answer.uppercased())
    }

    func devCaptchaAnswer(id: String) throws -> String? {
        guard ID.isValid(id) else { return nil }
        return try app.db.query("SELECT answer_dev FROM captchas WHERE id = $1::uuid", [id]).first?.optionalString("answer_dev")
    }

    /// Seconds until another code may be sent to `phone`, or nil when allowed now.
    func phoneWait(_ conn: PGConnection, phone: String) throws -> Int? {
        let row = try conn.query("""
            SELECT count(*)::int AS n, coalesce(ceil(extract(epoch FROM (min(created_at) + make_interval(secs => $2) - now())))::int, 0) AS wait
            FROM sms_codes WHERE phone = $1 AND created_at > now() - make_interval(secs => $2)
            """, [phone, app.config.smsPerPhoneWindow]).first!
        let n = try row.int("n")
        if n >= app.config.smsPerPhoneMax { return max(1, try row.int("wait")) }
        return nil
    }

    func ipCount(_ conn: PGConnection, ip: String) throws -> Int {
        try conn.query("SELECT count(*)::int AS n FROM sms_codes WHERE client_ip = $1 AND created_at > now() - interval '10 minutes'",
                       [ip]).first!.int("n")
    }

    /// Serialises code sends per phone (transaction-scoped advisory lock).
    func lockPhone(_ conn: PGConnection, phone: String) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('sms:' || $1))", [phone])
    }

    func insertCode(_ conn: PGConnection, phone: String, purpose: String, code: String, ip: String) throws {
        let id = ID.new()
        try conn.query("""
            INSERT INTO sms_codes (id, phone, purpose, code_hash, client_ip, expires_at)
            VALUES ($1::uuid, $2, $3, $4, $5, now() + make_interval(secs => $6))
            """, [id, phone, purpose, app.codeHash("sms", phone, purpose, code), ip, app.config.smsCodeTTL])
    }

    enum CodeCheck { case ok, missing, expired, used, wrong }

    /// Checks the latest code sent to `phone` for `purpose`; marks it used when right.
    /// At most five tries per code: then it counts as used.
    func checkCode(phone: String, purpose: String, code: String) throws -> CodeCheck {
        try app.db.transaction { conn in
            guard let row = try conn.query("""
                SELECT id::text, code_hash, used_at IS NOT NULL AS used, expires_at <= now() AS expired, attempts
                FROM sms_codes WHERE phone = $1 AND purpose = $2 ORDER BY created_at DESC LIMIT 1 FOR UPDATE
                """, [phone, purpose]).first else { return .missing }
            let id = try row.string("id")
            if try row.bool("used") || (try row.int("attempts")) >= 5 { return .used }
            if try row.bool("expired") { return .expired }
            guard try row.string("code_hash") == app.codeHash("sms", phone, purpose, code) else {
                try conn.query("UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1::uuid", [id])
                return .wrong
            }
            try conn.query("UPDATE sms_codes SET used_at = now() WHERE id = $1::uuid", [id])
            return .ok
        }
    }
}
