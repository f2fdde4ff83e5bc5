import Foundation
import KitPostgres

/// An institution's approved registration (its verified documents), for other services that
/// reuse it instead of asking for the documents again (reporting's enrolment approval).
struct VerifiedRegistration: Encodable, Sendable {
    var applicationId: String
    var documentIds: [String]
    var decidedAt: Date?
}

struct VerifiedRegistrationStore: Sendable {
    let app: IdentityApp

    /// The latest approved institution-administrator application of the organisation.
    func latest(orgID: String) throws -> VerifiedRegistration? {
        try app.db.withConnection { conn in
            try conn.query("""
                SELECT id::text AS id, document_ids, decided_at FROM applications
                WHERE org_id = $1::uuid AND status = 'approved' AND role = 'institution_admin'
                ORDER BY decided_at DESC NULLS LAST, created_at DESC LIMIT 1
                """, [orgID]).first.map {
                VerifiedRegistration(applicationId: try $0.string("id"), documentIds: try $0.stringArray("document_ids"),
                                     decidedAt: try $0.optionalDate("decided_at"))
            }
        }
    }
}
