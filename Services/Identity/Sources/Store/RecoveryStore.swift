import KitPostgres

/// The accounts a password recovery may reach: by login name, registered e-mail or phone.
extension UserStore {
    func byUsername(_ conn: PGConnection, username: String) throws -> [User] {
        try conn.query("SELECT \(Self.columns) FROM users WHERE status = 'active' AND username = $1", [username]).rows.map(Self.decode)
    }

    /// Active accounts whose registered e-mail is `email` (case-insensitive).
    func byEmail(_ conn: PGConnection, email: String) throws -> [User] {
        try conn.query("""
            SELECT \(Self.columns) FROM users WHERE status = 'active' AND email IS NOT NULL AND lower(email) = lower($1)
            ORDER BY created_at
            """, [email]).rows.map(Self.decode)
    }

    /// Active accounts on `phone` whose holder proved it (a code was answered on it).
    func byVerifiedPhone(_ conn: PGConnection, phone: String) throws -> [User] {
        try conn.query("""
            SELECT \(Self.columns) FROM users WHERE status = 'active' AND phone = $1 AND phone_verified_at IS NOT NULL
            ORDER BY created_at
            """, [phone]).rows.map(Self.decode)
    }
}
