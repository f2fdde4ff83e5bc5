import Foundation
import KitPostgres

/// Login attempts, claimed before the (slow) password check. Each claim is one atomic
/// UPDATE … RETURNING per key, so parallel requests are counted one by one: only the first
/// `maxFailedLogins` of a window get their password evaluated, the rest are refused at once.
/// Keys: `user:<id>` for every account a login name refers to, `login:<name>` for a name no
/// account has (it locks like a real account, so the answers do not tell them apart).
struct LoginAttemptStore: Sendable {
    let app: IdentityApp

    struct Claim { let attempt: Int; let lockedSeconds: Int }

    /// Counts one attempt on every key; answers the highest attempt number and the longest
    /// remaining lock among them (0 when none is locked). An expired lock starts a new window.
    func claim(keys: [String]) throws -> Claim {
        try app.db.transaction { conn in
            let rows = try conn.query("""
                INSERT INTO login_attempts (key, attempts) SELECT k, 1 FROM unnest($1::text[]) AS k
                ON CONFLICT (key) DO UPDATE SET
                    attempts = CASE WHEN login_attempts.locked_until IS NOT NULL AND login_attempts.locked_until <= now() THEN 1
                                    ELSE login_attempts.attempts + 1 END,
                    locked_until = CASE WHEN login_attempts.locked_until <= now() THEN NULL ELSE login_attempts.locked_until END,
                    updated_at = now()
                RETURNING attempts,
                    greatest(0, ceil(extract(epoch FROM (coalesce(locked_until, now()) - now()))))::int AS locked_seconds
                """, [keys.sorted()]).rows
            var claim = Claim(attempt: 0, lockedSeconds: 0)
            for r in rows {
                claim = Claim(attempt: max(claim.attempt, try r.int("attempts")), lockedSeconds: max(claim.lockedSeconds, try r.int("locked_seconds")))
            }
            return claim
        }
    }

    /// Freezes the keys for `lockSeconds` (a failed last allowed attempt, or one past the limit).
    /// Answers the seconds left of the lock.
    func lock(keys: [String]) throws -> Int {
        let r = try app.db.query("""
            UPDATE login_attempts SET locked_until = coalesce(locked_until, now() + make_interval(secs => $2)), updated_at = now()
            WHERE key = ANY($1::text[])
            RETURNING greatest(1, ceil(extract(epoch FROM (locked_until - now()))))::int AS locked_seconds
            """, [keys, app.config.lockSeconds]).rows
        return try r.map { try $0.int("locked_seconds") }.max() ?? app.config.lockSeconds
    }

    /// A correct password (or a new one) clears the keys.
    func clear(_ conn: PGConnection, keys: [String]) throws {
        try conn.query("DELETE FROM login_attempts WHERE key = ANY($1::text[])", [keys])
    }

    static func key(userID: String) -> String { "user:\(userID)" }
    static func key(login: String) -> String { "login:\(login.lowercased())" }
}
