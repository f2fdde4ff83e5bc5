import Foundation
import KitCore
import KitPostgres
import Models

/// A 个人身份认证 as its user and the unit's administrator see it.
struct StrokeCertificationView: Codable, Sendable {
    var id: String
    var status: String
    var registrationNo: String
    var documentId: String
    var opinion: String?
    var submittedAt: String
    var decidedAt: String?
}

/// A stroke unit as 用户注册 offers it.
struct StrokeUnit: Codable, Sendable {
    var id: String
    var name: String
    var regionCode: String?
    var hasAdmin: Bool
}

/// A person of the unit (individual user or listed person) as its administrator sees it.
struct StrokeMember: Codable, Sendable {
    var userId: String
    var displayName: String
    var phoneMasked: String
    var source: String
    var accountStatus: String
    var certification: String
    var createdAt: String
}

/// SQL of the stroke registry's individual users (migration 010).
struct StrokeUserStore: Sendable {
    let app: IdentityApp

    /// The organisation is a stroke unit: an institution reporting for the stroke program
    /// (imported with it, or with an approved stroke registration).
    private static let isStrokeUnit = """
        o.kind = 'institution' AND ('stroke' = ANY (o.programs) OR EXISTS (
            SELECT 1 FROM applications a WHERE a.org_id = o.id AND a.status = 'approved' AND a.program = 'stroke'))
        """

    func unit(_ conn: PGConnection, id: String) throws -> Organisation? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("SELECT \(OrganisationStore.columns) FROM organisations o WHERE o.id = $1::uuid AND \(Self.isStrokeUnit)",
                              [id]).first.map(OrganisationStore.decode)
    }

    /// Stroke units under a region path whose name contains `q` (all of them when `q` is empty).
    func search(regionPath: String, q: String, limit: Int) throws -> [StrokeUnit] {
        try app.db.query("""
            SELECT o.id::text, o.name, o.region_code, EXISTS (SELECT 1 FROM role_assignments r JOIN users u ON u.id = r.user_id
                   WHERE r.org_id = o.id AND r.role = 'institution_admin' AND u.status = 'active') AS has_admin
            FROM organisations o
            WHERE starts_with(o.path, $1 || '/') AND ($2 = '' OR strpos(o.name, $2) > 0) AND \(Self.isStrokeUnit)
            ORDER BY o.name LIMIT $3
            """, [regionPath, q, limit]).rows.map {
                StrokeUnit(id: try $0.string("id"), name: try $0.string("name"), regionCode: $0.optionalString("region_code"),
                           hasAdmin: try $0.bool("has_admin"))
            }
    }

    func phoneTaken(_ conn: PGConnection, _ phone: String) throws -> Bool {
        try !conn.query("SELECT 1 FROM users WHERE phone = $1 AND status <> 'deleted'", [phone]).rows.isEmpty
    }

    /// Serialises accounts made for one phone (two registrations of the same phone at once).
    func lockPhone(_ conn: PGConnection, _ phone: String) throws {
        try conn.query("SELECT pg_advisory_xact_lock(hashtext('identity-phone:' || $1))", [phone])
    }

    func insert(_ conn: PGConnection, userID: String, orgID: String, source: String, idNumber: String?, listedBy: String?) throws {
        try conn.query("""
            INSERT INTO stroke_users (user_id, org_id, source, id_number, listed_by) VALUES ($1::uuid, $2::uuid, $3, $4, $5::uuid)
            """, [userID, orgID, source, idNumber, listedBy])
    }

    struct Member: Sendable { let orgID: String; let source: String; let idNumber: String? }

    func member(_ conn: PGConnection, userID: String) throws -> Member? {
        try conn.query("SELECT org_id::text, source, id_number FROM stroke_users WHERE user_id = $1::uuid", [userID]).first.map {
            Member(orgID: try $0.string("org_id"), source: try $0.string("source"), idNumber: $0.optionalString("id_number"))
        }
    }

    private static let certColumns = """
        id::text, user_id::text, org_id::text, status, registration_no, document_id, opinion,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created,
        to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS decided
        """

    struct Certification: Sendable { let view: StrokeCertificationView; let userID: String; let orgID: String }

    private static func decode(_ r: PGRow) throws -> Certification {
        Certification(view: StrokeCertificationView(
            id: try r.string("id"), status: try r.string("status"), registrationNo: try r.string("registration_no"),
            documentId: try r.string("document_id"), opinion: r.optionalString("opinion"), submittedAt: try r.string("created"),
            decidedAt: r.optionalString("decided")), userID: try r.string("user_id"), orgID: try r.string("org_id"))
    }

    func certifications(_ conn: PGConnection, userID: String, limit: Int = 10) throws -> [StrokeCertificationView] {
        try conn.query("SELECT \(Self.certColumns) FROM stroke_certifications WHERE user_id = $1::uuid ORDER BY created_at DESC LIMIT $2",
                       [userID, limit]).rows.map { try Self.decode($0).view }
    }

    /// The user's waiting certification, locked.
    func pending(_ conn: PGConnection, userID: String) throws -> Certification? {
        try conn.query("SELECT \(Self.certColumns) FROM stroke_certifications WHERE user_id = $1::uuid AND status = 'pending' FOR UPDATE",
                       [userID]).first.map(Self.decode)
    }

    func insertCertification(_ conn: PGConnection, id: String, userID: String, orgID: String, registrationNo: String,
                             documentID: String, chain: String) throws {
        do {
            try conn.query("""
                INSERT INTO stroke_certifications (id, user_id, org_id, registration_no, document_id, chain)
                VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6)
                """, [id, userID, orgID, registrationNo, documentID, chain])
        } catch let e as PGError where e.isUniqueViolation {
            throw APIError.conflict("您的个人身份认证正在审核中，请等待审核结果", code: "certification_pending")
        }
    }

    func decide(_ conn: PGConnection, id: String, status: String, opinion: String?, requestID: String) throws {
        try conn.query("""
            UPDATE stroke_certifications SET status = $2, opinion = $3, approval_request_id = $4, decided_at = now() WHERE id = $1::uuid
            """, [id, status, opinion, requestID])
    }

    /// True when the unit has an active institution administrator (who then approves).
    func hasActiveAdmin(_ conn: PGConnection, orgID: String) throws -> Bool {
        !(try UserStore.activeAdminContacts(conn, orgID: orgID).isEmpty)
    }

    /// The certification that counts: the unit's data-entry grant for the stroke program (the
    /// same test the members list makes in SQL below).
    func isCertified(_ conn: PGConnection, userID: String, orgID: String) throws -> Bool {
        try !conn.query("""
            SELECT 1 FROM role_assignments r WHERE r.user_id = $1::uuid AND r.role = 'data_entry' AND r.org_id = $2::uuid
                   AND r.specialty = 'stroke'
            """, [userID, orgID]).rows.isEmpty
    }

    /// The unit's individual users and listed persons, newest first.
    func members(_ conn: PGConnection, orgID: String) throws -> [StrokeMember] {
        try conn.query("""
            SELECT s.user_id::text, u.display_name, u.phone, s.source, u.status,
                   CASE WHEN EXISTS (SELECT 1 FROM role_assignments r WHERE r.user_id = u.id AND r.role = 'data_entry'
                                     AND r.org_id = s.org_id AND r.specialty = 'stroke') THEN 'certified'
                        ELSE coalesce((SELECT c.status FROM stroke_certifications c WHERE c.user_id = u.id
                                       ORDER BY c.created_at DESC LIMIT 1), 'uncertified') END AS certification,
                   to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created
            FROM stroke_users s JOIN users u ON u.id = s.user_id
            WHERE s.org_id = $1::uuid AND u.status <> 'deleted' ORDER BY s.created_at DESC LIMIT 200
            """, [orgID]).rows.map {
                StrokeMember(userId: try $0.string("user_id"), displayName: try $0.string("display_name"),
                             phoneMasked: ChineseFormats.maskMobile(try $0.string("phone")), source: try $0.string("source"),
                             accountStatus: try $0.string("status"), certification: try $0.string("certification"),
                             createdAt: try $0.string("created"))
            }
    }

    /// A listed person: an account waiting for activation, with the unit's stroke data-entry grant.
    func createListed(_ conn: PGConnection, org: Organisation, listing: StrokeUsers.Listing, by adminID: String) throws -> String {
        let userID = try UserStore(app: app).createPendingActivation(
            conn, phone: listing.phone, email: nil, displayName: listing.name.trimmingCharacters(in: .whitespaces), orgID: org.id,
            grant: .dataEntry, scopePath: org.scopePath, specialty: StrokeUsers.program)
        try insert(conn, userID: userID, orgID: org.id, source: "listed", idNumber: nil, listedBy: adminID)
        return userID
    }
}
