import Foundation
import KitHTTP
import Models
import ServiceKit

/// Participants of a program and enrolment outcomes.
struct EnrolmentHandlers {
    let context: ServiceContext

    /// `GET /api/reporting/v1/programs/:code/enrolments?status=`: the institutions taking part
    /// (active) or asking to (pending, rejected) that the caller may see.
    func participants(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let status = request.query["status"].flatMap { $0.isEmpty ? nil : $0 }
        return .json(try Enrolments.participants(context, caller: caller, code: try request.parameter("code"), status: status))
    }

    /// `POST /api/reporting/v1/internal/enrolment-outcomes`: approval's final decision on an
    /// enrolment request, applied once.
    func outcome(_ request: Request) throws -> Response {
        let body = try OutcomeCallback.read(context, request)
        let key = try Outbox.deliveryKey(request)
        return .json(try Enrolments.applyOutcome(context, body: body, idempotencyKey: key, request: request))
    }
}
