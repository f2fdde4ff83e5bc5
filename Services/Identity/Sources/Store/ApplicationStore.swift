import Foundation
import KitCore
import KitPostgres
import Models

/// The applicant's own data (step 3). The ID number is validated and never shown unmasked.
struct PersonData: Codable, Sendable, Equatable {
    var name: String
    var email: String?
    var title: String?
    var department: String?
    var idNumber: String?
    /// 医师个人: a physician registering for their own cases (data-entry role; only the three
    /// intervention specialties, RegistrationRules.physicianSpecialties).
    var physician: Bool?
}

/// A registration application as stored.
struct Application: Sendable {
    var id: String
    var phone: String
    var role: Role?
    var program: String?
    var specialties: [String]
    var regionCode: String?
    var orgID: String?
    var orgData: OrganisationData?
    var person: PersonData?
    var documentIDs: [String]
    var status: String
    var revision: Int
    var approvalRequestID: String?
    var opinion: String?
    var userID: String?
    var submittedAt: Date?
    var decidedAt: Date?
    var createdAt: Date
}

struct ApplicationStore: Sendable {
    let app: IdentityApp

    static let columns = """
        id::text, phone, role, program, specialties, region_code, org_id::text, org_data::text, person::text, document_ids, status, revision,
        approval_request_id, opinion, user_id::text, submitted_at, decided_at, created_at
        """

    static func decode(_ r: PGRow) throws -> Application {
        func json<T: Decodable>(_ col: String, _ t: T.Type) throws -> T? {
            guard let s = r.optionalString(col) else { return nil }
            return try JSON.decode(t, from: Array(s.utf8))
        }
        return Application(id: try r.string("id"), phone: try r.string("phone"), role: r.optionalString("role").flatMap(Role.init(rawValue:)),
                           program: r.optionalString("program"), specialties: try r.stringArray("specialties"),
                           regionCode: r.optionalString("region_code"), orgID: r.optionalString("org_id"),
                           orgData: try json("org_data", OrganisationData.self), person: try json("person", PersonData.self),
                           documentIDs: try r.stringArray("document_ids"), status: try r.string("status"), revision: try r.int("revision"),
                           approvalRequestID: r.optionalString("approval_request_id"), opinion: r.optionalString("opinion"),
                           userID: r.optionalString("user_id"), submittedAt: try r.optionalDate("submitted_at"),
                           decidedAt: try r.optionalDate("decided_at"), createdAt: try r.date("created_at"))
    }

    func create(_ conn: PGConnection, phone: String) throws -> String {
        let id = ID.new()
        try conn.query("INSERT INTO applications (id, phone) VALUES ($1::uuid, $2)", [id, phone])
        return id
    }

    func get(_ conn: PGConnection, id: String, lock: Bool = false) throws -> Application? {
        guard ID.isValid(id) else { return nil }
        return try conn.query("SELECT \(Self.columns) FROM applications WHERE id = $1::uuid\(lock ? " FOR UPDATE" : "")", [id]).first.map(Self.decode)
    }

    func get(id: String) throws -> Application? { try app.db.withConnection { try get($0, id: id) } }

    func byPhone(_ conn: PGConnection, phone: String) throws -> [Application] {
        try conn.query("SELECT \(Self.columns) FROM applications WHERE phone = $1 AND status <> 'withdrawn' ORDER BY created_at DESC LIMIT 20",
                       [phone]).rows.map(Self.decode)
    }

    func save(_ conn: PGConnection, _ a: Application) throws {
        try conn.query("""
            UPDATE applications SET role = $2, program = $3, specialties = $4::text[], region_code = $5, org_id = $6::uuid,
                org_data = $7::jsonb, person = $8::jsonb, document_ids = $9::text[], status = $10, revision = $11,
                approval_request_id = $12, opinion = $13, user_id = $14::uuid, submitted_at = $15, decided_at = $16, updated_at = now()
            WHERE id = $1::uuid
            """, [a.id, a.role?.rawValue, a.program, a.specialties, a.regionCode, a.orgID,
                  try a.orgData.map { PGJSON(String(decoding: try JSON.encode($0), as: UTF8.self)) },
                  try a.person.map { PGJSON(String(decoding: try JSON.encode($0), as: UTF8.self)) },
                  a.documentIDs, a.status, a.revision, a.approvalRequestID, a.opinion, a.userID, a.submittedAt, a.decidedAt])
    }

    struct Opening { let revision: Int; let requestID: String?; let awaiting: Bool }

    /// The approval requests identity opened for an application, one per submitted revision:
    /// the outbox rows keyed `registration:<id>:<revision>` and approval's answer to each
    /// (`{"id": <requestId>}`, kept by the outbox once delivered).
    func openings(_ conn: PGConnection, applicationID: String) throws -> [Opening] {
        struct Answer: Decodable { let id: String }
        let prefix = "registration:\(applicationID):"
        return try conn.query("""
            SELECT idempotency_key, response, delivered_at IS NULL AND failed_at IS NULL AS awaiting FROM outbox
            WHERE target = 'approval' AND path = '/api/approval/v1/internal/requests' AND left(idempotency_key, length($1)) = $1
            """, [prefix]).rows.compactMap { r in
                let key = try r.string("idempotency_key")
                guard let revision = Int(key.dropFirst(prefix.count)) else { return nil }
                let id = r.optionalString("response").flatMap { try? JSON.decode(Answer.self, from: Array($0.utf8)).id }
                return Opening(revision: revision, requestID: id, awaiting: try r.bool("awaiting"))
            }
    }

    /// Records an approval outcome delivery; false when this request's outcome was applied before.
    func recordOutcome(_ conn: PGConnection, requestID: String, applicationID: String, outcome: String) throws -> Bool {
        let r = try conn.query("""
            INSERT INTO approval_outcomes (request_id, application_id, outcome) VALUES ($1, $2::uuid, $3)
            ON CONFLICT (request_id) DO NOTHING
            """, [requestID, applicationID, outcome])
        return r.affectedRows == 1
    }

    func outcome(requestID: String) throws -> (outcome: String, applied: Int)? {
        try app.db.query("SELECT outcome, applied_count FROM approval_outcomes WHERE request_id = $1", [requestID]).first.map {
            (try $0.string("outcome"), try $0.int("applied_count"))
        }
    }
}
