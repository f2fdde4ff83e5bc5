import Foundation
import KitClient
import KitHTTP
import KitPostgres
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

    /// The steps every outcome callback of reporting takes, the subject's own decision apart:
    /// the request id confirmed (`confirm`), then in one transaction the delivery's key (seen
    /// before: nothing applied), the subject's row locked, the request bound to it, and `decide`
    /// on the row (its answer: applied, or stale).
    static func apply<Row: OutcomeSubject>(_ context: ServiceContext, body: OutcomeCallback, idempotencyKey: String?,
                                           unknown: APIError, find: (PGConnection, _ subjectID: String, _ lock: Bool) throws -> Row?,
                                           bind: (PGConnection, _ id: String, _ requestID: String) throws -> Void,
                                           decide: (PGConnection, Row) throws -> OutcomeAnswer) throws -> OutcomeAnswer {
        let row = try context.database.withConnection { try find($0, body.subjectId, false) }
        try confirm(context, body: body, subjectID: row?.subjectID, boundRequestID: row?.requestID, unknown: unknown)
        return try context.database.transaction { conn -> OutcomeAnswer in
            if let key = idempotencyKey, !(try Outbox.firstDelivery(conn, key: key)) { return OutcomeAnswer(applied: false, stale: nil) }
            guard let locked = try find(conn, body.subjectId, true) else { throw unknown }
            if let bound = locked.requestID, bound != body.requestId { throw unknown }
            try bind(conn, locked.id, body.requestId)
            return try decide(conn, locked)
        }
    }
}

/// A row an approval request decides (a review, an enrolment request, a binding): its id, the
/// subject id approval knows it by, and the request bound to it once the first outcome came.
protocol OutcomeSubject {
    var id: String { get }
    var subjectID: String { get }
    var requestID: String? { get }
}

extension ReviewRecord: OutcomeSubject {}
extension EnrolmentRequestRecord: OutcomeSubject {}
extension BindingRecord: OutcomeSubject {}
