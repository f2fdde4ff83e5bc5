import Foundation

/// A request as stored.
struct RequestRecord: Sendable {
    var id: String
    var type: String
    var chainCode: String
    var chainName: String
    var chainDecisions: [Decision]
    var subjectService: String
    var subjectID: String
    var title: String
    var applicantJSON: String
    var applicantUserID: String?
    var scopePath: String
    var specialty: String?
    var institutionOrgID: String?
    var attachments: [String]
    var detailsJSON: String
    var reason: String?
    var callbackPath: String?
    var status: RequestStatus
    var currentStage: Int
    var acted: Bool
    var outcomeOpinion: String?
    var decidedAt: Date?
    var decidedBy: String?
    var createdAt: Date
    var updatedAt: Date
}

/// One stage of a request (a copy of its chain's stage with the scope path resolved).
struct StageRecord: Sendable {
    var index: Int
    var name: String
    var role: String
    var scope: ScopeLevel
    var scopePath: String
    var specialtyMatch: Bool
    var rule: StageRule
    var orgKind: String?
    var status: StageStatus
    var openedAt: Date?
    var completedAt: Date?
    var resolveError: String?
    /// The stage this one was before it went to the next level up (no approver organisation).
    var escalatedFrom: String? = nil
    var escalationNote: String? = nil
}

/// Rule `all`: an organisation that must approve a stage.
struct ApproverOrg: Sendable {
    var stageIndex: Int
    var orgID: String
    var orgName: String
    var decision: Decision?
    var decidedAt: Date?
}

/// A decision taken by a user for his organisation.
struct DecisionRecord: Sendable {
    var id: String
    var stageIndex: Int
    var orgID: String
    var orgName: String?
    var userID: String
    var userName: String
    var role: String
    var decision: Decision
    var opinion: String?
    var at: Date
}

/// One line of a request's history.
struct EventRecord: Sendable {
    var id: String
    var at: Date
    var kind: String
    var stageIndex: Int?
    var actorID: String?
    var actorName: String?
    var orgID: String?
    var orgName: String?
    var decision: String?
    var opinion: String?
    var note: String?
}

/// A new history line (the store adds id and time).
struct NewEvent: Sendable {
    var kind: String
    var stageIndex: Int? = nil
    var actorID: String? = nil
    var actorName: String? = nil
    var orgID: String? = nil
    var orgName: String? = nil
    var decision: String? = nil
    var opinion: String? = nil
    var note: String? = nil
}

/// Rule `all`: a stage whose organisations are still to be listed at identity.
struct PendingResolution: Sendable {
    var requestID: String
    var stageIndex: Int
    var scopePath: String
    var orgKind: String
    var specialty: String?
    var specialtyMatch: Bool
}

/// A request about to be stored.
struct NewRequest: Sendable {
    var id: String
    var type: String
    var chainCode: String
    var subjectService: String
    var subjectID: String
    var title: String
    var applicantJSON: String
    var applicantUserID: String?
    var scopePath: String
    var provinceCode: String?
    var cityCode: String?
    var specialty: String?
    var institutionOrgID: String?
    var attachments: [String]
    var detailsJSON: String
    var reason: String?
    var callbackPath: String?
    var idempotencyKey: String?
}
