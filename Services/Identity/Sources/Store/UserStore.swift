import Foundation
import KitCore
import KitCrypto
import KitPostgres
import Models

/// An account as stored.
struct User: Sendable {
    var id: String
    var username: String
    var phone: String
    var email: String?
    var displayName: String
    var orgID: String?
    var mainAccountID: String?
    var passwordHash: String
    var mustChangePassword: Bool
    var status: String
    var smsLogin: Bool
    /// The holder proved the phone (registration code, SMS login, code to a new phone).
    var phoneVerified: Bool
}

/// An account as the API shows it (phone and e-mail masked in lists).
struct UserView: Codable, Sendable {
    var id: String
    var username: String
    var displayName: String
    var phone: String
    var email: String?
    var status: String
    var orgID: String?
    var orgName: String?
    var roles: [RoleAssignment]
    var mustChangePassword: Bool
    var isMainAccount: Bool
}

struct UserStore: Sendable {
    let app: IdentityApp

    static let columns = """
        id::text, username, phone, email, display_name, org_id::text, main_account_id::text, password_hash, must_change_password,
        status, sms_login, phone_verified_at IS NOT NULL AS phone_verified
        """

    static func decode(_ r: PGRow) throws -> User {
        User(id: try r.string("id"), username: try r.string("username"), phone: try r.string("phone"), email: r.optionalString("email"),
             displayName: try r.string("display_name"), orgID: r.optionalString("org_id"), mainAccountID: r.optionalString("main_account_id"),
             passwordHash: try r.string("password_hash"), mustChangePassword: try r.bool("must_change_password"),
             status: try r.string("status"), smsLogin: try r.bool("sms_login"), phoneVerified: try r.bool("phone_verified"))
    }

    func get(_ conn: PGConnection, id: String) throws -> User? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("SELECT \(Self.columns) FROM users WHERE id = $1::uuid AND status <> 'deleted'", [id]).first.map(Self.decode)
    }

    func get(id: String) throws -> User? { try app.db.withConnection { try get($0, id: id) } }

    /// Users a login name refers to: the username, or every live account of a phone.
    func find(login: String) throws -> [User] {
        try app.db.query("""
            SELECT \(Self.columns) FROM users WHERE status <> 'deleted' AND (username = $1 OR phone = $1) ORDER BY created_at
            """, [login]).rows.map(Self.decode)
    }

    func byPhone(_ conn: PGConnection, phone: String) throws -> [User] {
        try conn.query("SELECT \(Self.columns) FROM users WHERE status <> 'deleted' AND phone = $1 ORDER BY created_at", [phone]).rows.map(Self.decode)
    }

    func roles(_ conn: PGConnection, userID: String) throws -> [RoleAssignment] {
        try conn.query("""
            SELECT role, org_id::text, scope_path, specialty FROM role_assignments WHERE user_id = $1::uuid ORDER BY created_at
            """, [userID]).rows.compactMap { r in
                guard let role = Role(rawValue: try r.string("role")) else { return nil }
                return RoleAssignment(role: role, orgID: try r.string("org_id"), scopePath: try r.string("scope_path"),
                                      specialty: r.optionalString("specialty"))
            }
    }

    func roles(userID: String) throws -> [RoleAssignment] { try app.db.withConnection { try roles($0, userID: userID) } }

    func view(_ conn: PGConnection, _ u: User, masked: Bool) throws -> UserView {
        let orgName = try u.orgID.flatMap { try conn.query("SELECT name FROM organisations WHERE id = $1::uuid", [$0]).first?.string("name") }
        return UserView(id: u.id, username: u.username, displayName: u.displayName,
                        phone: masked ? ChineseFormats.maskMobile(u.phone) : u.phone,
                        email: masked ? u.email.map(ChineseFormats.maskEmail) : u.email, status: u.status, orgID: u.orgID,
                        orgName: orgName, roles: try roles(conn, userID: u.id), mustChangePassword: u.mustChangePassword,
                        isMainAccount: u.mainAccountID == nil)
    }

    /// True when a live account holds `role` anywhere.
    /// True when `userID` holds `role` in the database now (not only in a token's claims).
    /// An account waiting for 账号激活 (no password yet: the person activates with phone and
    /// code, then chooses a username and password) holding one grant; its id.
    func createPendingActivation(_ conn: PGConnection, phone: String, email: String?, displayName: String, orgID: String,
                                 grant role: Role, scopePath: String, specialty: String?) throws -> String {
        let userID = ID.new()
        try conn.query("""
            INSERT INTO users (id, username, phone, email, display_name, org_id, password_hash, must_change_password, status, sms_login)
            VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, '!', false, 'pending_activation', $7)
            """, [userID, try newUsername(conn), phone, email.flatMap { $0.isEmpty ? nil : $0 }, displayName, orgID, app.config.smsLogin])
        try grant(conn, userID: userID, role: role, orgID: orgID, scopePath: scopePath, specialty: specialty)
        return userID
    }

    /// True when the user holds `role` now (at `orgID` when given).
    func holds(_ conn: PGConnection, userID: String, role: Role, orgID: String? = nil) throws -> Bool {
        try !conn.query("""
            SELECT 1 FROM role_assignments WHERE user_id = $1::uuid AND role = $2 AND ($3::uuid IS NULL OR org_id = $3::uuid) LIMIT 1
            """, [userID, role.rawValue, orgID]).rows.isEmpty
    }

    func anyHolder(_ conn: PGConnection, of role: Role) throws -> Bool {
        try !conn.query("""
            SELECT 1 FROM role_assignments r JOIN users u ON u.id = r.user_id
            WHERE r.role = $1 AND u.status <> 'deleted' LIMIT 1
            """, [role.rawValue]).rows.isEmpty
    }

    func usernameTaken(_ conn: PGConnection, _ username: String) throws -> Bool {
        try !conn.query("SELECT 1 FROM users WHERE username = $1", [username]).rows.isEmpty
    }

    /// A fresh unique username: "qc" and eight random digits.
    func newUsername(_ conn: PGConnection) throws -> String {
        while true {
            let name = "qc" + SecureRandom.digits(8)
            if try !usernameTaken(conn, name) { return name }
        }
    }

    func create(_ conn: PGConnection, username: String, phone: String, email: String?, displayName: String, orgID: String?,
                mainAccountID: String?, password: String, phoneVerified: Bool = false, mustChangePassword: Bool = true) throws -> String {
        let id = ID.new()
        try conn.query("""
            INSERT INTO users (id, username, phone, email, display_name, org_id, main_account_id, password_hash, sms_login,
                               phone_verified_at, must_change_password)
            VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7::uuid, $8, $9, CASE WHEN $10 THEN now() END, $11)
            """, [id, username, phone, email, displayName, orgID, mainAccountID,
                  PasswordHasher.hash(password, iterations: app.config.passwordIterations), app.config.smsLogin, phoneVerified,
                  mustChangePassword])
        return id
    }

    struct AccountRef { let id: String; let phone: String; let username: String }

    /// The live institution admins of an organisation (other than `exceptPhone`'s accounts).
    func institutionAdmins(_ conn: PGConnection, orgID: String, exceptPhone: String?) throws -> [AccountRef] {
        try conn.query("""
            SELECT u.id::text, u.phone, u.username FROM role_assignments r JOIN users u ON u.id = r.user_id
            WHERE r.role = 'institution_admin' AND r.org_id = $1::uuid AND ($2::text IS NULL OR u.phone <> $2)
              AND u.status <> 'deleted' ORDER BY u.created_at
            """, [orgID, exceptPhone]).rows.map {
                AccountRef(id: try $0.string("id"), phone: try $0.string("phone"), username: try $0.string("username"))
            }
    }

    /// The phones (and e-mail addresses where on file) of the active institution administrators
    /// of an organisation, one per phone: whom notices and reminders to an institution reach.
    static func activeAdminContacts(_ conn: PGConnection, orgID: String) throws -> [(phone: String, email: String?)] {
        try conn.query("""
            SELECT DISTINCT ON (u.phone) u.phone, u.email FROM role_assignments r JOIN users u ON u.id = r.user_id
            WHERE r.role = 'institution_admin' AND r.org_id = $1::uuid AND u.status = 'active' ORDER BY u.phone, u.email
            """, [orgID]).rows.map { (try $0.string("phone"), $0.optionalString("email")) }
    }

    func removeRole(_ conn: PGConnection, userID: String, role: Role, orgID: String) throws {
        try conn.query("DELETE FROM role_assignments WHERE user_id = $1::uuid AND role = $2 AND org_id = $3::uuid",
                       [userID, role.rawValue, orgID])
    }

    /// Grants a role; one phone with the same specialty in two roles keeps the higher role.
    func grant(_ conn: PGConnection, userID: String, role: Role, orgID: String, scopePath: String, specialty: String?) throws {
        let existing = try roles(conn, userID: userID).filter { $0.specialty == specialty && $0.orgID == orgID }
        if let higher = existing.first(where: { $0.role.rank >= role.rank }), higher.role != role { return }
        for lower in existing where lower.role.rank < role.rank {
            try conn.query("DELETE FROM role_assignments WHERE user_id = $1::uuid AND role = $2 AND org_id = $3::uuid AND coalesce(specialty, '') = coalesce($4, '')",
                           [userID, lower.role.rawValue, orgID, specialty])
        }
        try conn.query("""
            INSERT INTO role_assignments (id, user_id, role, org_id, scope_path, specialty) VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6)
            ON CONFLICT DO NOTHING
            """, [ID.new(), userID, role.rawValue, orgID, scopePath, specialty])
    }

    /// Name, e-mail (empty clears it) and phone. A changed phone counts as proved only when its
    /// holder entered a code sent to it (`phoneProved`).
    func updateProfile(_ conn: PGConnection, userID: String, displayName: String?, email: String?, phone: String?, phoneProved: Bool) throws {
        try conn.query("""
            UPDATE users SET display_name = coalesce($2, display_name),
                email = CASE WHEN $3::text IS NULL THEN email ELSE nullif($3, '') END,
                phone_verified_at = CASE WHEN $4::text IS NULL OR $4 = phone THEN phone_verified_at WHEN $5 THEN now() ELSE NULL END,
                phone = coalesce($4, phone), updated_at = now()
            WHERE id = $1::uuid
            """, [userID, displayName, email, phone, phoneProved])
    }

    func setStatus(_ conn: PGConnection, userID: String, status: String) throws {
        try conn.query("UPDATE users SET status = $2, updated_at = now() WHERE id = $1::uuid", [userID, status])
    }

    func setPassword(_ conn: PGConnection, userID: String, password: String, mustChange: Bool) throws {
        try conn.query("""
            UPDATE users SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL, updated_at = now()
            WHERE id = $1::uuid
            """, [userID, PasswordHasher.hash(password, iterations: app.config.passwordIterations), mustChange])
        try LoginAttemptStore(app: app).clear(conn, keys: [LoginAttemptStore.key(userID: userID)])
        try revokeRefreshTokens(conn, userID: userID)
    }

    /// A successful login; `phoneProved` when it passed the SMS code.
    func recordSuccess(_ conn: PGConnection, userID: String, phoneProved: Bool) throws {
        try conn.query("""
            UPDATE users SET last_login_at = now(), phone_verified_at = CASE WHEN $2 THEN now() ELSE phone_verified_at END
            WHERE id = $1::uuid
            """, [userID, phoneProved])
    }

    func revokeRefreshTokens(_ conn: PGConnection, userID: String) throws {
        try conn.query("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1::uuid AND revoked_at IS NULL", [userID])
    }

    /// How often an audited action happened to this user lately (throttles on resends).
    func recentActions(userID: String, action: String, seconds: Int) throws -> Int {
        try app.db.query("""
            SELECT count(*)::int AS n FROM audit_log WHERE object_type = 'user' AND object_id = $1 AND action = $2
            AND at > now() - make_interval(secs => $3)
            """, [userID, action, seconds]).first!.int("n")
    }

    /// Sub-accounts of a main account (scope: only its own).
    func subAccounts(_ conn: PGConnection, mainID: String) throws -> [User] {
        try conn.query("""
            SELECT \(Self.columns) FROM users WHERE main_account_id = $1::uuid AND status <> 'deleted' ORDER BY created_at
            """, [mainID]).rows.map(Self.decode)
    }

    func subAccount(_ conn: PGConnection, mainID: String, id: String) throws -> User? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("""
            SELECT \(Self.columns) FROM users WHERE id = $1::uuid AND main_account_id = $2::uuid AND status <> 'deleted' FOR UPDATE
            """, [id, mainID]).first.map(Self.decode)
    }
}
