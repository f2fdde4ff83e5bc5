import Models

/// A chain: the ordered stages a request of one type passes. Chains are data (seeded by a
/// migration, more added by programs); a request copies its chain's stages when it opens.
struct Chain: Codable, Sendable {
    var code: String
    var requestType: String
    var name: String
    /// What approvers may answer: always approve, plus reject and/or return.
    var decisions: [Decision]
    var specialtyRequired: Bool
    var reasonRequired: Bool
    var reasonMax: Int?
    var active: Bool
    var stages: [ChainStage]
}

/// One stage of a chain: who approves (role at the level `scope` of the subject's scope,
/// optionally of the request's specialty) and whether one or every organisation must approve.
struct ChainStage: Codable, Sendable {
    var index: Int
    var name: String
    var role: String
    var scope: ScopeLevel
    var specialtyMatch: Bool
    var rule: StageRule
    /// Rule `all`: the kind of organisation identity lists under the stage's scope.
    var orgKind: String?
}

/// The level of the subject's scope an approver's grant must cover.
enum ScopeLevel: String, Codable, Sendable {
    case nation, province, city, institution, platform
}

/// `any`: one approver of the stage decides. `all`: every organisation listed when the stage
/// opened must approve (one rejection ends the request).
enum StageRule: String, Codable, Sendable {
    case any, all
}

/// An approver's answer.
enum Decision: String, Codable, Sendable, CaseIterable {
    case approve, reject
    case `return` = "return"

    var title: String {
        switch self {
        case .approve: return "同意"
        case .reject: return "不同意"
        case .return: return "退回"
        }
    }

    /// The request status a final decision of this kind leads to.
    var outcome: RequestStatus {
        switch self {
        case .approve: return .approved
        case .reject: return .rejected
        case .return: return .returned
        }
    }
}
