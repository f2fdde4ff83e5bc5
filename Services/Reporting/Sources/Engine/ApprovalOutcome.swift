import Foundation
import KitClient
import KitHTTP
import Models
import ServiceKit

/// What every approval outcome callback of reporting checks before it applies anything (report
/// reviews and 申请修改, enrolments, 绑定既往数据): the body is well formed, and the request id is
/// the one approval opened for the subject: bound on the subject's row after the first outcome,
/// confirmed with approval (`GET /internal/requests/by-subject`) before that. Anything else is
/// `unknown` (409 `unknown_request`).
enum ApprovalOutcome {
    static let outcomes: Set<String> = ["approved", "rejected", "returned", "withdrawn"]

    /// The callback's Idempotency-Key (the outbox's key of the delivery): nil when absent or
    /// blank, 400 when longer than 200 bytes.
    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers["idempotency-key"]?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { return nil }
        if key.utf8.count > 200 { throw APIError.badRequest("Idempotency-Key 过长", code: "invalid_idempotency_key") }
        return key
    }

    /// 422 for an unknown outcome, an overlong subject or request id, an overlong opinion.
    static func validate(_ body: OutcomeBody) throws {
        guard outcomes.contains(body.outcome) else {
            throw APIError.invalid("outcome", "审批结果有误", code: "invalid_outcome")
        }
        guard body.subjectId.utf8.count <= 200, !body.requestId.isEmpty, body.requestId.utf8.count <= 100 else {
            throw APIError.invalid("subjectId", "申请对象编号无效", code: "invalid_subject")
        }
        if let o = body.opinion, o.count > 2000 { throw APIError.invalid("opinion", "审核意见过长", code: "too_long") }
    }

    /// Throws `unknown` unless the subject exists (`subjectID`) and `body.requestId` is its
    /// request: the bound one, or (nothing bound yet) the one approval says it opened for it.
    static func confirm(_ context: ServiceContext, body: OutcomeBody, subjectID: String?, boundRequestID: String?,
                        unknown: APIError) throws {
        guard let subjectID else { throw unknown }
        if let bound = boundRequestID {
            guard bound == body.requestId else { throw unknown }
            return
        }
        guard try PeerLookups.latestApprovalRequest(context, service: "reporting", subject: subjectID) == body.requestId else {
            throw unknown
        }
    }
}
