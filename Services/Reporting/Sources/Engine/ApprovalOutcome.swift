import Foundation
import KitClient
import KitHTTP
import Models
import ServiceKit

/// What every approval outcome callback of reporting checks before it applies anything (report
/// reviews and 申请修改, enrolments, 绑定既往数据), past the body (`OutcomeCallback`): the request id is
/// the one approval opened for the subject: bound on the subject's row after the first outcome,
/// confirmed with approval (`GET /internal/requests/by-subject`) before that. Anything else is
/// `unknown` (409 `unknown_request`).
enum ApprovalOutcome {
    /// Throws `unknown` unless the subject exists (`subjectID`) and `body.requestId` is its
    /// request: the bound one, or (nothing bound yet) the one approval says it opened for it.
    static func confirm(_ context: ServiceContext, body: OutcomeCallback, subjectID: String?, boundRequestID: String?,
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
