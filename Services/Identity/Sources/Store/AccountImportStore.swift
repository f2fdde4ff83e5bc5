import Foundation
import KitCore
import KitPostgres
import Models

/// A staged or committed import as the API shows it.
struct AccountImportView: Codable, Sendable {
    var id: String
    var status: String
    var fileName: String?
    var format: String
    var encoding: String?
    var rowCount: Int
    var validCount: Int
    var errorCount: Int
    var errors: [ImportIssue]
    var rows: [ImportRow]
    var createdAt: String
    var committedAt: String?
}

/// SQL of account imports, activation and login-name changes.
struct AccountImportStore: Sendable {
    let app: IdentityApp

    /// The database checks of a dry run (inside `conn`, so a commit can repeat them under its
    /// lock): unknown region codes, institutions and credit codes that already exist (a phone
    /// with accounts elsewhere is fine: one phone may hold accounts of several units).
    func conflicts(_ conn: PGConnection, _ rows: [ImportRow]) throws -> [ImportIssue] {
        guard !rows.isEmpty else { return [] }
        let regions = Array(Set(rows.map(\.regionCode)))
        let known = Set(try conn.query("SELECT code FROM regions WHERE code = ANY($1::text[])", [regions]).rows.map { try $0.string("code") })
        let names = rows.map(\.name), codes = rows.map(\.regionCode)
        let existingOrgs = Set(try conn.query("""
            SELECT o.region_code || '|' || o.name AS k FROM organisations o
            JOIN unnest($1::text[], $2::text[]) AS t(region, name) ON o.region_code = t.region AND o.name = t.name
            WHERE o.kind = 'institution'
            """, [codes, names]).rows.map { try $0.string("k") })
        let credits = rows.compactMap(\.creditCode)
        let existingCredits = Set(try conn.query("SELECT upper(credit_code) AS c FROM organisations WHERE upper(credit_code) = ANY($1::text[])",
                                                 [credits]).rows.map { try $0.string("c") })
        var out: [ImportIssue] = []
        for r in rows {
            if !known.contains(r.regionCode) {
                out.append(ImportIssue(row: r.row, column: "行政区划代码", value: r.regionCode, code: "unknown_region",
                                       message: "行政区划代码不存在（GB/T 2260 六位代码）"))
            }
            if existingOrgs.contains(r.regionCode + "|" + r.name) {
                out.append(ImportIssue(row: r.row, column: "机构名称", value: r.name, code: "organisation_exists",
                                       message: "该地区已有同名机构，已有账号的机构无需导入"))
            }
            if let c = r.creditCode, existingCredits.contains(c) {
                out.append(ImportIssue(row: r.row, column: "统一社会信用代码", value: c, code: "credit_code_taken",
                                       message: "该统一社会信用代码已被其他机构使用"))
            }
            // A phone with accounts elsewhere is fine: one phone may hold accounts of several
            // units (the new institution is a unit of its own); its account waits for activation.
        }
        return out
    }

    /// Region codes (of rows refused for other reasons) that do not exist.
    func unknownRegions(_ conn: PGConnection, _ regions: [(row: Int, code: String)]) throws -> [ImportIssue] {
        guard !regions.isEmpty else { return [] }
        let known = Set(try conn.query("SELECT code FROM regions WHERE code = ANY($1::text[])", [Array(Set(regions.map(\.code)))])
            .rows.map { try $0.string("code") })
        return regions.filter { !known.contains($0.code) }.map {
            ImportIssue(row: $0.row, column: "行政区划代码", value: $0.code, code: "unknown_region", message: "行政区划代码不存在（GB/T 2260 六位代码）")
        }
    }

    func save(_ conn: PGConnection, id: String, by userID: String, fileName: String?, format: String, encoding: String?,
              rowCount: Int, rows: [ImportRow], errors: [ImportIssue]) throws {
        try conn.query("""
            INSERT INTO account_imports (id, created_by, file_name, format, encoding, row_count, error_count, rows, errors)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
            """, [id, userID, fileName, format, encoding, rowCount, errors.count, try Self.json(rows), try Self.json(errors)])
    }

    static func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try JSONEncoder().encode(v), as: UTF8.self) }

    func get(_ conn: PGConnection, id: String, lock: Bool = false) throws -> AccountImportView? {
        guard ID.isValid(id) else { return nil }
        guard let r = try conn.query("""
            SELECT id::text, status, file_name, format, encoding, row_count, error_count, rows::text, errors::text,
                   to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
                   to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS committed
            FROM account_imports WHERE id = $1::uuid \(lock ? "FOR UPDATE" : "")
            """, [id]).first else { return nil }
        let rows = try JSONDecoder().decode([ImportRow].self, from: Data(try r.string("rows").utf8))
        let errors = try JSONDecoder().decode([ImportIssue].self, from: Data(try r.string("errors").utf8))
        return AccountImportView(id: try r.string("id"), status: try r.string("status"), fileName: r.optionalString("file_name"),
                                 format: try r.string("format"), encoding: r.optionalString("encoding"), rowCount: try r.int("row_count"),
                                 validCount: rows.count, errorCount: try r.int("error_count"), errors: errors, rows: rows,
                                 createdAt: try r.string("created"), committedAt: r.optionalString("committed"))
    }

    /// One commit at a time (the conflict checks hold until the transaction ends).
    func lock(_ conn: PGConnection) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-account-import'))")
    }

    /// The institution, its programs and its administrator's account waiting for activation
    /// (no usable password: '!' is no password encoding), with the grants an approved
    /// institution admin has.
    func create(_ conn: PGConnection, _ r: ImportRow) throws -> (orgID: String, userID: String) {
        let orgs = OrganisationStore(app: app), users = UserStore(app: app)
        let org = try orgs.create(conn, kind: "institution",
                                  data: OrganisationData(name: r.name, creditCode: r.creditCode, level: r.level, category: r.category,
                                                         contactName: r.adminName, contactPhone: r.adminPhone),
                                  regionCode: r.regionCode)
        try conn.query("UPDATE organisations SET programs = $2::text[] WHERE id = $1::uuid", [org.id, r.programs])
        let userID = try users.createPendingActivation(conn, phone: r.adminPhone, email: r.adminEmail, displayName: r.adminName,
                                                       orgID: org.id, grant: .institutionAdmin, scopePath: org.scopePath, specialty: nil)
        return (org.id, userID)
    }

    func markCommitted(_ conn: PGConnection, id: String, result: [[String: String]]) throws {
        try conn.query("UPDATE account_imports SET status = 'committed', committed_at = now(), result = $2::jsonb WHERE id = $1::uuid",
                       [id, try Self.json(result)])
    }

    /// The account of `phone` waiting for activation, locked.
    func pending(_ conn: PGConnection, phone: String) throws -> User? {
        try conn.query("""
            SELECT \(UserStore.columns) FROM users WHERE phone = $1 AND status = 'pending_activation'
            ORDER BY created_at LIMIT 1 FOR UPDATE
            """, [phone]).first.map(UserStore.decode)
    }

    func hasPending(phone: String) throws -> Bool {
        try !app.db.query("SELECT 1 FROM users WHERE phone = $1 AND status = 'pending_activation'", [phone]).rows.isEmpty
    }

    /// True when another account has this login name, ignoring case.
    func nameTaken(_ conn: PGConnection, _ name: String, except userID: String?) throws -> Bool {
        try !conn.query("SELECT 1 FROM users WHERE lower(username) = lower($1) AND ($2::uuid IS NULL OR id <> $2::uuid)",
                        [name, userID]).rows.isEmpty
    }

    /// Activation: the chosen name and password, the phone proved by the code.
    func activate(_ conn: PGConnection, userID: String, username: String) throws {
        try conn.query("""
            UPDATE users SET username = $2, status = 'active', phone_verified_at = now(), must_change_password = false, updated_at = now()
            WHERE id = $1::uuid AND status = 'pending_activation'
            """, [userID, username])
    }

    func rename(_ conn: PGConnection, userID: String, username: String) throws {
        try conn.query("UPDATE users SET username = $2, updated_at = now() WHERE id = $1::uuid", [userID, username])
    }

    /// Serialises the choice of one login name (two activations picking the same name).
    func lockName(_ conn: PGConnection, _ name: String) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-username:' || lower($1)))", [name])
    }
}
