import KitHTTP
import Models
import ServiceKit

/// Approvers' decisions: one, or a batch where each item is checked and recorded on its own.
struct DecisionHandlers {
    let context: ServiceContext

    /// `POST /api/approval/v1/requests/:id/decisions` `{"decision":…,"opinion":…}`
    func decide(_ request: Request) throws -> Response {
        let claims = try context.caller(request)
        let id = try request.parameter("id")
        let body = try request.decode(DecisionBody.self)
        let answer = try Decider.decide(context, .init(requestID: id, decision: body.decision, opinion: body.opinion),
                                        actor: claims, request: request)
        return .json(answer)
    }

    /// `POST /api/approval/v1/decisions` `{"items":[{"requestId","decision","opinion"}]}`
    func batch(_ request: Request) throws -> Response {
        let claims = try context.caller(request)
        let body = try request.decode(BatchDecisionBody.self)
        guard !body.items.isEmpty, body.items.count <= Rules.maxBatch else {
            throw APIError.invalid("items", "一次最多审批\(Rules.maxBatch)条申请", code: "invalid_batch")
        }
        var items: [BatchAnswer.Item] = []
        for item in body.items {
            do {
                let answer = try Decider.decide(context, .init(requestID: item.requestId, decision: item.decision,
                                                               opinion: item.opinion), actor: claims, request: request)
                items.append(.init(requestId: item.requestId, ok: true, httpStatus: 200, result: answer, error: nil))
            } catch let e as APIError {
                items.append(.init(requestId: item.requestId, ok: false, httpStatus: e.status, result: nil,
                                   error: .init(code: e.code, message: e.message, field: e.field)))
            } catch {
                context.logger.error("batch decision failed", ["request": item.requestId, "error": String(describing: error)])
                let e = APIError.internalError
                items.append(.init(requestId: item.requestId, ok: false, httpStatus: e.status, result: nil,
                                   error: .init(code: e.code, message: e.message, field: nil)))
            }
        }
        let ok = items.filter(\.ok).count
        return .json(BatchAnswer(items: items, succeeded: ok, failed: items.count - ok))
    }
}
