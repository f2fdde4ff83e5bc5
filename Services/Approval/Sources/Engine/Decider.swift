import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Records one approver's decision. Everything happens under the request's row lock, so
/// concurrent decisions on one request are serialised: an organisation decides a stage once,
/// no decision is lost, and the last approval of a stage moves the request on exactly once.
enum Decider {
    struct Input: Sendable {
        var requestID: String
        var decision: String
        var opinion: String?
    }

    static func decide(_ context: ServiceContext, _ input: Input, actor: AccessClaims, request: Request) throws -> DecisionAnswer {
        let requestID = try Rules.requestID(input.requestID)
        let (answer, resolve) = try context.database.transaction { conn in
            try decide(conn, requestID: requestID, input: input, actor: actor, request: request)
        }
        if let resolve { ApproverResolver.resolve(context, resolve) }
        return answer
    }

    private static func decide(_ conn: PGConnection, requestID: String, input: Input, actor: AccessClaims,
                               request: Request) throws -> (DecisionAnswer, PendingResolution?) {
        let grants = Grants(actor)
        guard let r = try RequestStore.lock(conn, id: requestID) else { throw APIError.notFound }
        // The usual case first: it is the caller's turn (which implies he may see the request).
        let eligible = r.status == .pending ? try ScopeStore.eligibleOrg(conn, requestID: requestID, grants: grants) : nil
        if eligible == nil {
            let approver = try ScopeStore.isApprover(conn, requestID: requestID, grants: grants)
            guard approver || Principal.user(actor).isApplicant(of: r) else { throw APIError.notFound }
        }
        guard r.status == .pending else {
            throw APIError.conflict("该申请已\(r.status.title)，不能再审批", code: "request_closed")
        }
        let decision = try Rules.decision(input.decision, allowed: r.chainDecisions)
        let opinion = try Rules.opinion(input.opinion, for: decision)
        let stages = try StageStore.all(conn, requestID: requestID)
        guard let stage = stages.first(where: { $0.index == r.currentStage }) else { throw APIError.internalError }
        if stage.status == .resolving {
            throw APIError.conflict("正在确定本环节的审批单位，请稍后再试", code: "approvers_pending")
        }
        guard let eligible else {
            if try DecisionStore.decidedBy(conn, requestID: requestID, index: stage.index, orgIDs: grants.orgIDs) {
                throw APIError.conflict("您所在单位已审批过该环节", code: "already_decided")
            }
            throw APIError(403, "not_current_approver", "您不是该申请当前环节的审批人")
        }
        let (orgID, role) = (eligible.orgID, eligible.role)
        let orgName = stage.rule == .all
            ? try ApproverOrgStore.name(conn, requestID: requestID, index: stage.index, orgID: orgID) : nil
        let recorded = try DecisionStore.insert(conn, requestID: requestID, DecisionRecord(
            id: ID.new(), stageIndex: stage.index, orgID: orgID, orgName: orgName, userID: actor.sub, userName: actor.displayName ?? actor.name,
            role: role, decision: decision, opinion: opinion, at: Date()))
        guard recorded else { throw APIError.conflict("您所在单位已审批过该环节", code: "already_decided") }
        if stage.rule == .all {
            guard try ApproverOrgStore.recordDecision(conn, requestID: requestID, index: stage.index, orgID: orgID,
                                                       decision: decision) else {
                throw APIError.conflict("您所在单位已审批过该环节", code: "already_decided")
            }
        }
        var events = [NewEvent(kind: "decided", stageIndex: stage.index, actorID: actor.sub, actorName: actor.displayName ?? actor.name,
                               orgID: orgID, orgName: orgName ?? Presenter.roleTitle(role), decision: decision.rawValue,
                               opinion: opinion)]

        var status = RequestStatus.pending
        var current = stage.index
        var stageStatus = StageStatus.pending
        var resolve: PendingResolution?
        if decision == .approve {
            let complete = try stage.rule == .any
                || ApproverOrgStore.undecided(conn, requestID: requestID, index: stage.index) == 0
            if complete {
                stageStatus = .approved
                try StageStore.close(conn, requestID: requestID, index: stage.index, status: .approved)
                events.append(NewEvent(kind: "stage_completed", stageIndex: stage.index))
                if let next = stages.first(where: { $0.index > stage.index }) {
                    current = next.index
                    try RequestStore.setCurrentStage(conn, id: requestID, stage: next.index)
                    if next.rule == .any {
                        try StageStore.open(conn, requestID: requestID, index: next.index, status: .pending)
                        events.append(NewEvent(kind: "stage_opened", stageIndex: next.index))
                    } else {
                        try StageStore.open(conn, requestID: requestID, index: next.index, status: .resolving)
                        resolve = PendingResolution(requestID: requestID, stageIndex: next.index, scopePath: next.scopePath,
                                                    orgKind: next.orgKind ?? "", specialty: r.specialty,
                                                    specialtyMatch: next.specialtyMatch)
                    }
                } else {
                    status = .approved
                }
            }
        } else {
            stageStatus = decision == .reject ? .rejected : .returned
            try StageStore.close(conn, requestID: requestID, index: stage.index, status: stageStatus)
            status = decision.outcome
        }
        if status.isFinal {
            let at = try RequestStore.finish(conn, id: requestID, status: status, opinion: opinion, by: actor.sub)
            events.append(NewEvent(kind: status.rawValue, stageIndex: stage.index, actorID: actor.sub, actorName: actor.displayName ?? actor.name,
                                   orgID: orgID, orgName: orgName, opinion: opinion))
            try Outcome.enqueue(conn, r, status: status, opinion: opinion, at: at, by: actor.sub)
        } else {
            try RequestStore.markActed(conn, id: requestID)
        }
        try EventStore.append(conn, requestID: requestID, events)
        try AuditTrail.record(conn, actor: actor.sub, org: orgID, action: "approval.decide", requestID: requestID,
                              old: .init(status: r.status.rawValue, stage: stage.index, stageStatus: stage.status.rawValue),
                              new: .init(status: status.rawValue, stage: current, stageStatus: stageStatus.rawValue,
                                         decision: decision.rawValue, orgId: orgID),
                              request: request)
        let answer = DecisionAnswer(requestId: requestID, decision: decision, orgId: orgID, status: status,
                                    currentStage: current, stageStatus: stageStatus)
        return (answer, resolve)
    }
}
