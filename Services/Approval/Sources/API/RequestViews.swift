import Foundation

/// `GET /api/approval/v1/requests/:id`: everything an approver (or the applicant) sees.
struct RequestDetail: Encodable, Sendable {
    var id: String
    var type: String
    var chain: String
    var chainName: String
    var title: String
    var status: RequestStatus
    var statusTitle: String
    var subject: CreateRequestBody.Subject
    var applicant: JSONValue
    var scopePath: String
    var specialty: String?
    var institutionOrgID: String?
    var attachments: [String]
    var details: JSONValue
    var reason: String?
    var currentStage: Int
    var acted: Bool
    var opinion: String?
    var decidedAt: Date?
    var createdAt: Date
    var stages: [StageView]
    /// The caller may decide now, and with which answers.
    var canDecide: Bool
    var allowedDecisions: [Decision]
}

/// One stage with its approvers and decisions.
struct StageView: Encodable, Sendable {
    var index: Int
    var name: String
    var role: String
    var approvers: String
    var rule: StageRule
    var specialtyMatch: Bool
    var status: StageStatus
    var since: Date?
    var completedAt: Date?
    /// Rule `all`: every organisation that must approve, with its answer so far.
    var orgs: [OrgView]
    var pendingOrgs: [OrgRef]
    var decisions: [DecisionView]
    /// Set when the stage went to the next level up: what it was, and why (shown to the applicant).
    var escalatedFrom: String? = nil
    var escalationNote: String? = nil
}

struct OrgRef: Encodable, Sendable {
    var id: String
    var name: String
}

struct OrgView: Encodable, Sendable {
    var id: String
    var name: String
    var decision: Decision?
    var decidedAt: Date?
}

struct DecisionView: Encodable, Sendable {
    var orgId: String
    var orgName: String
    var userId: String
    var userName: String
    var decision: Decision
    var opinion: String?
    var at: Date
}

/// `GET …/internal/requests/by-subject` (contracts.md: where does an application wait).
struct SubjectStatus: Encodable, Sendable {
    var id: String
    var type: String
    var chain: String
    var status: RequestStatus
    var currentStage: Int
    var stages: [StageView]
    var acted: Bool
    var opinion: String?
    var decidedAt: Date?
    /// Where the subject sits in the organisation tree (86/330000/330100[/330106]/…).
    var scopePath: String? = nil
}

/// One pending request in an approver's inbox.
struct InboxItem: Codable, Sendable {
    var id: String
    var type: String
    var chain: String
    var chainName: String
    var title: String
    var applicant: JSONValue
    var scopePath: String
    var specialty: String?
    var stage: Int
    var stageName: String
    var since: Date?
    var createdAt: Date
    /// The stage has waited longer than APPROVAL_STALE_DAYS.
    var stale: Bool = false
}

/// `GET /api/approval/v1/stale`: a request whose current stage has waited longer than
/// APPROVAL_STALE_DAYS (platform operators).
struct StaleItem: Codable, Sendable {
    var id: String
    var type: String
    var chain: String
    var chainName: String
    var title: String
    var scopePath: String
    var specialty: String?
    var stage: Int
    var stageName: String
    var approvers: String
    var stageStatus: String
    var since: Date
    var waitingDays: Int
    var escalationNote: String?
}

/// `GET /api/approval/v1/inbox/count`: the portal's badge.
struct InboxCount: Encodable, Sendable {
    var count: Int
    var byType: [String: Int]
}

/// One line of `GET /api/approval/v1/requests/:id/history`.
struct HistoryItem: Codable, Sendable {
    var at: Date
    var event: String
    var title: String
    var stage: Int?
    var actorId: String?
    var actorName: String?
    var orgId: String?
    var orgName: String?
    var decision: String?
    var opinion: String?
    var note: String?
}

/// `GET …/internal/requests/:id/delivery`: the outcome's outbox row.
struct DeliveryView: Encodable, Sendable {
    var key: String
    var target: String
    var path: String
    var status: String
    var attempts: Int
    var lastError: String?
    var createdAt: Date
    var deliveredAt: Date?
}
