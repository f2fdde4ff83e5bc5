import KitHTTP
import Models

/// Approval's final decision as it calls back the service that opened the request
/// (`callbackPath`, docs/contracts.md): what every outcome callback of identity and reporting
/// reads before it applies anything — the internal token and a well-formed body (the delivery's
/// key is `Outbox.deliveryKey`). Which request may decide what stays each callback's own.
public struct OutcomeCallback: Decodable, Sendable {
    public var requestId: String
    public var type: String?
    public var chain: String?
    public var subjectId: String
    public var outcome: String
    public var opinion: String?
    public var decidedBy: String?

    public static let outcomes: Set<String> = ["approved", "rejected", "returned", "withdrawn"]

    /// 403 without the internal token; the body, checked (`validate`).
    public static func read(_ context: ServiceContext, _ request: Request) throws -> OutcomeCallback {
        try context.requireInternal(request)
        let body = try request.decode(OutcomeCallback.self)
        try body.validate()
        return body
    }

    /// 422 for an unknown outcome, an overlong subject or request id, an overlong opinion.
    public func validate() throws {
        guard OutcomeCallback.outcomes.contains(outcome) else {
            throw APIError.invalid("outcome", "审批结果有误", code: "invalid_outcome")
        }
        guard subjectId.utf8.count <= 200, !requestId.isEmpty, requestId.utf8.count <= 100 else {
            throw APIError.invalid("subjectId", "申请对象编号无效", code: "invalid_subject")
        }
        if let o = opinion, o.count > 2000 { throw APIError.invalid("opinion", "审核意见过长", code: "too_long") }
    }
}
