import Foundation
import Models

/// approval → subject service: the final outcome (contracts.md), key `outcome:<requestId>`.
struct OutcomeCallback: Codable, Sendable {
    var requestId: String
    var type: String
    var chain: String
    var subjectId: String
    /// approved | rejected | returned (monthly submissions) | withdrawn (by the applicant here)
    var outcome: String
    var opinion: String?
    var decidedAt: Date
    var decidedBy: String?
}

/// `POST …/internal/can-view`: may this user see files of that subject.
struct CanViewBody: Decodable, Sendable {
    struct Claims: Decodable, Sendable {
        var sub: String
        var roles: [RoleAssignment]
    }
    var subjectService: String
    var subjectId: String
    var claims: Claims
}

struct CanViewAnswer: Encodable, Sendable {
    var allowed: Bool
}

/// identity's `GET /api/identity/v1/internal/organisations` answer.
struct OrganisationList: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var id: String
        var name: String
        var kind: String?
        var path: String?
        var scopePath: String?
    }
    var items: [Item]
}

/// `PUT …/internal/chains/:code`: a program adds or changes its own chain.
struct ChainBody: Decodable, Sendable {
    struct Stage: Decodable, Sendable {
        var name: String
        var role: String
        var scope: String
        var specialtyMatch: Bool?
        var rule: String
        var orgKind: String?
    }
    var requestType: String
    var name: String
    var decisions: [String]?
    var specialtyRequired: Bool?
    var reasonRequired: Bool?
    var reasonMax: Int?
    var active: Bool?
    var stages: [Stage]
}

/// `POST …/internal/requests/:id/withdraw` and the applicant's own withdraw.
struct WithdrawBody: Decodable, Sendable {
    var reason: String?
}

struct WithdrawAnswer: Encodable, Sendable {
    var id: String
    var status: RequestStatus
}

/// `POST …/internal/requests/by-subject/withdraw`: the subject's service withdraws the open
/// request of a subject without knowing its id. `requestId`, when given, limits it to that
/// request (so a late retry cannot withdraw a newer revision opened meanwhile).
struct SubjectWithdrawBody: Decodable, Sendable {
    var service: String
    var id: String
    var requestId: String?
    /// Only the request opened with this idempotency key (one revision of the subject), so a
    /// late withdrawal never closes a newer revision's request.
    var creationKey: String?
    var reason: String?
}

struct SubjectWithdrawAnswer: Encodable, Sendable {
    var withdrawn: [String]
}
