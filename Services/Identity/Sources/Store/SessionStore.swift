import Foundation
import KitCore
import KitCrypto
import KitPostgres
import Models

/// Login challenges (password passed, SMS code pending), refresh tokens (hashed, rotated),
/// password-reset links (hashed, single use, 30 minutes).
struct SessionStore: Sendable {
    let app: IdentityApp

    func createChallenge(_ conn: PGConnection, userID: String) throws -> String {
        let id = ID.new()
        try conn.query("INSERT INTO login_challenges (id, user_id, expires_at) VALUES ($1::uuid, $2::uuid, now() + interval '5 minutes')",
                       [id, userID])
        return id
    }

    /// The user of a live challenge, counting the attempt (five at most).
    func challengeUser(_ conn: PGConnection, id: String) throws -> String? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("""
            UPDATE login_challenges SET attempts = attempts + 1
            WHERE id = $1::uuid AND used_at IS NULL AND expires_at > now() AND attempts < 5
            RETURNING user_id::text
            """, [id]).first?.string("user_id")
    }

    func useChallenge(_ conn: PGConnection, id: String) throws {
        try conn.query("UPDATE login_challenges SET used_at = now() WHERE id = $1::uuid", [id])
    }

    /// `program`: the refresh token of a password-only program login renews only that binding.
    func issueRefresh(_ conn: PGConnection, userID: String, program: String?) throws -> (id: String, token: String) {
        let id = ID.new()
        let token = SecureRandom.token(bytes: 32)
        try conn.query("""
            INSERT INTO refresh_tokens (id, user_id, token_hash, expires_at, program)
            VALUES ($1::uuid, $2::uuid, $3, now() + make_interval(secs => $4), $5)
            """, [id, userID, SHA256.hex(token), app.config.refreshTokenTTL, program])
        return (id, token)
    }

    enum RefreshCheck { case ok(userID: String, id: String, program: String?), reused(userID: String), invalid }

    /// Looks up a refresh token for rotation. A revoked token presented again means it was
    /// stolen or replayed: the caller revokes every token of that user.
    func checkRefresh(_ conn: PGConnection, token: String) throws -> RefreshCheck {
        guard let r = try conn.query("""
            SELECT id::text, user_id::text, program, revoked_at IS NOT NULL AS revoked, expires_at <= now() AS expired
            FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE
            """, [SHA256.hex(token)]).first else { return .invalid }
        if try r.bool("revoked") { return .reused(userID: try r.string("user_id")) }
        if try r.bool("expired") { return .invalid }
        return .ok(userID: try r.string("user_id"), id: try r.string("id"), program: r.optionalString("program"))
    }

    func rotate(_ conn: PGConnection, oldID: String, newID: String) throws {
        try conn.query("UPDATE refresh_tokens SET revoked_at = now(), replaced_by = $2::uuid WHERE id = $1::uuid", [oldID, newID])
    }

    func revoke(_ conn: PGConnection, token: String) throws -> Bool {
        try conn.query("UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL",
                       [SHA256.hex(token)]).affectedRows == 1
    }

    /// Reset links asked for in the last five minutes (three at most).
    func recentResets(_ conn: PGConnection, userID: String) throws -> Int {
        try conn.query("""
            SELECT count(*)::int AS n FROM password_resets WHERE user_id = $1::uuid AND expires_at > now() + interval '25 minutes'
            """, [userID]).first!.int("n")
    }

    func createReset(_ conn: PGConnection, userID: String) throws -> String {
        let token = SecureRandom.token(bytes: 32)
        try conn.query("""
            INSERT INTO password_resets (id, user_id, token_hash, expires_at) VALUES ($1::uuid, $2::uuid, $3, now() + interval '30 minutes')
            """, [ID.new(), userID, SHA256.hex(token)])
        return token
    }

    /// Consumes a reset link; the user id when it was valid.
    func consumeReset(_ conn: PGConnection, token: String) throws -> String? {
        try conn.query("""
            UPDATE password_resets SET used_at = now()
            WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id::text
            """, [SHA256.hex(token)]).first?.string("user_id")
    }
}
