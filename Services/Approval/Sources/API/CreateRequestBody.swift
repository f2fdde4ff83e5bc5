/// `POST /api/approval/v1/internal/requests` (contracts.md: identity → approval, and reporting's
/// submissions, modification requests and history bindings).
struct CreateRequestBody: Decodable, Sendable {
    struct Subject: Codable, Sendable {
        var service: String
        var id: String
    }

    var type: String
    var chain: String?
    var subject: Subject
    var title: String
    var applicant: Applicant
    var scopePath: String
    var provinceCode: String?
    var cityCode: String?
    var specialty: String?
    var institutionOrgID: String?
    var attachments: [String]?
    var details: JSONValue?
    /// Modification requests: the applicant's reason (the chain says whether it is required
    /// and how long it may be).
    var reason: String?
    var callbackPath: String?
}

/// Who applies: shown to approvers. `userId` (when the applicant has an account) lets the
/// applicant follow and withdraw the request with his own token.
struct Applicant: Codable, Sendable {
    var name: String
    var phoneMasked: String?
    var orgName: String?
    var userId: String?
    var orgId: String?
}

/// 201 (new) or 200 (same idempotency key, or the same open request again).
struct CreatedAnswer: Encodable, Sendable {
    var id: String
    var status: RequestStatus
    var currentStage: Int
}
