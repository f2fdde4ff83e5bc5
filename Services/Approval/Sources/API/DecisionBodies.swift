/// `POST /api/approval/v1/requests/:id/decisions`.
struct DecisionBody: Decodable, Sendable {
    var decision: String
    var opinion: String?
}

/// `POST /api/approval/v1/decisions`: several decisions, each checked and recorded on its own.
struct BatchDecisionBody: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var requestId: String
        var decision: String
        var opinion: String?
    }
    var items: [Item]
}

/// What one recorded decision did.
struct DecisionAnswer: Encodable, Sendable {
    var requestId: String
    var decision: Decision
    var orgId: String
    /// The request after the decision: still pending (next stage, or other organisations to
    /// approve) or final.
    var status: RequestStatus
    var currentStage: Int
    var stageStatus: StageStatus
}

/// The batch answer: one entry per item, in order.
struct BatchAnswer: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var requestId: String
        var ok: Bool
        var httpStatus: Int
        var result: DecisionAnswer?
        var error: ItemError?
    }
    struct ItemError: Encodable, Sendable {
        var code: String
        var message: String
        var field: String?
    }
    var items: [Item]
    var succeeded: Int
    var failed: Int
}
