import Foundation
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// The applicant takes a request back while nobody has acted on it: asked by the subject's
/// service (internal call) or by the applicant himself (then the subject's service is told,
/// through the outbox, with outcome `withdrawn`).
enum Withdrawal {
    enum By {
        case service
        case principal(Principal)
    }

    static func withdraw(_ context: ServiceContext, requestID raw: String, by: By, reason: String?,
                         request: Request) throws -> WithdrawAnswer {
        let requestID = try Rules.requestID(raw)
        let note = try reason.map { try Rules.text($0, field: "reason", max: Rules.opinionMax, label: "撤回原因") }
        return try context.database.transaction { conn in
            guard let r = try RequestStore.lock(conn, id: requestID) else { throw APIError.notFound }
            var actor = "service:\(r.subjectService)"
            if case .principal(let p) = by {
                guard p.isApplicant(of: r) else {
                    if case .user(let c) = p, try ScopeStore.isApprover(conn, requestID: requestID, grants: Grants(c)) {
                        throw APIError(403, "not_applicant", "只有申请人可以撤回申请")
                    }
                    throw APIError.notFound
                }
                actor = p.id
            }
            if r.status == .withdrawn { return WithdrawAnswer(id: r.id, status: .withdrawn) }
            guard r.status == .pending else {
                throw APIError.conflict("该申请已\(r.status.title)，不能撤回", code: "request_closed")
            }
            guard !r.acted else {
                throw APIError.conflict("审批人已开始审批，不能撤回", code: "already_acted")
            }
            let at = try RequestStore.finish(conn, id: requestID, status: .withdrawn, opinion: note, by: actor)
            try StageStore.close(conn, requestID: requestID, index: r.currentStage, status: .withdrawn)
            var name: String?
            if case .principal(let p) = by { name = p.name }
            try EventStore.append(conn, requestID: requestID, NewEvent(kind: "withdrawn", stageIndex: r.currentStage,
                                                                      actorID: actor, actorName: name, note: note))
            if case .principal = by {
                try Outcome.enqueue(conn, r, status: .withdrawn, opinion: note, at: at, by: actor)
            }
            try AuditTrail.record(conn, actor: actor, action: "approval.request.withdraw", requestID: requestID,
                                  old: .init(status: r.status.rawValue, stage: r.currentStage),
                                  new: .init(status: RequestStatus.withdrawn.rawValue, stage: r.currentStage),
                                  request: request)
            return WithdrawAnswer(id: r.id, status: .withdrawn)
        }
    }

    /// The subject's pending requests nobody acted on are withdrawn (all, or only `requestID`).
    static func withdrawSubject(_ context: ServiceContext, _ body: SubjectWithdrawBody, request: Request) throws -> [String] {
        var only = try body.requestId.map(Rules.requestID)
        let note = try body.reason.map { try Rules.text($0, field: "reason", max: Rules.opinionMax, label: "撤回原因") }
        return try context.database.transaction { conn in
            try RequestStore.lockSubject(conn, service: body.service, subjectID: body.id)
            if let key = body.creationKey {
                // That revision was never opened (its creation is still on its way, or never
                // came): nothing to withdraw now; approval also withdraws an older open request
                // when a newer revision arrives.
                guard let r = try RequestStore.byIdempotencyKey(conn, key: key) else { return [] }
                only = r.id
            }
            var withdrawn: [String] = []
            for r in try RequestStore.pendingForSubject(conn, service: body.service, subjectID: body.id)
            where only == nil || r.id == only {
                guard !r.acted else {
                    throw APIError.conflict("审批人已开始审批，不能撤回", code: "already_acted")
                }
                let actor = "service:\(r.subjectService)"
                try RequestStore.finish(conn, id: r.id, status: .withdrawn, opinion: note, by: actor)
                try StageStore.close(conn, requestID: r.id, index: r.currentStage, status: .withdrawn)
                try EventStore.append(conn, requestID: r.id, NewEvent(kind: "withdrawn", stageIndex: r.currentStage,
                                                                     actorID: actor, note: note))
                try AuditTrail.record(conn, actor: actor, action: "approval.request.withdraw", requestID: r.id,
                                      old: .init(status: r.status.rawValue, stage: r.currentStage),
                                      new: .init(status: RequestStatus.withdrawn.rawValue, stage: r.currentStage),
                                      request: request)
                withdrawn.append(r.id)
            }
            return withdrawn
        }
    }
}
