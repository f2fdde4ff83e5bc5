import Foundation
import KitClient
import KitCore
import KitPostgres
import Models
import ServiceKit

/// Rule-all stages: when such a stage opens, identity lists the organisations that must
/// approve (`GET /api/identity/v1/internal/organisations?kind=&under=&specialty=`); they are
/// stored with the stage. The lookup runs after the opening transaction (no HTTP call under a
/// row lock); when identity is down or lists nobody yet, a background task tries again with
/// backoff, and the stage stays `resolving` (nobody can decide it) until then. When identity
/// answers that there is nobody, the stage goes to the next level up (`Escalation`).
enum ApproverResolver {
    static func task(_ context: ServiceContext) -> BackgroundTask {
        BackgroundTask(name: "approval-resolver", interval: Env.double("RESOLVE_INTERVAL", 1)) {
            (try? resolveDue(context)) ?? false
        }
    }

    /// Resolves due stages; true when more may be due.
    static func resolveDue(_ context: ServiceContext, limit: Int = 10) throws -> Bool {
        let due = try context.database.withConnection { try StageStore.dueResolutions($0, limit: limit) }
        for p in due { resolve(context, p) }
        return due.count == limit
    }

    static func resolve(_ context: ServiceContext, _ p: PendingResolution) {
        let orgs: [OrganisationList.Item]
        do {
            orgs = try organisations(context, kind: p.orgKind, under: p.scopePath, specialty: p.specialtyMatch ? p.specialty : nil)
        } catch {
            failed(context, p, String(describing: error))
            return
        }
        guard !orgs.isEmpty else {
            // Nobody to approve (no centre of the province yet): the stage goes one level up
            // (Escalation); a stage without a next level keeps asking.
            let moved = (try? context.database.transaction { conn in
                try Escalation.escalate(conn, requestID: p.requestID, index: p.stageIndex, from: .resolving)
            }) ?? false
            if !moved { failed(context, p, "identity listed no \(p.orgKind) under \(p.scopePath)") }
            return
        }
        do {
            try context.database.transaction { conn in
                guard let r = try RequestStore.lock(conn, id: p.requestID), r.status == .pending,
                      r.currentStage == p.stageIndex,
                      let stage = try StageStore.find(conn, requestID: p.requestID, index: p.stageIndex),
                      stage.status == .resolving else { return }
                try ApproverOrgStore.insert(conn, requestID: p.requestID, index: p.stageIndex, orgs: orgs)
                try StageStore.resolved(conn, requestID: p.requestID, index: p.stageIndex)
                try EventStore.append(conn, requestID: p.requestID, NewEvent(
                    kind: "stage_opened", stageIndex: p.stageIndex,
                    note: "需以下\(orgs.count)个单位审批：" + orgs.map(\.name).joined(separator: "、")))
                try AuditTrail.record(conn, actor: "service:approval", action: "approval.stage.open", requestID: p.requestID,
                                      old: .init(status: r.status.rawValue, stage: p.stageIndex,
                                                 stageStatus: StageStatus.resolving.rawValue),
                                      new: .init(status: r.status.rawValue, stage: p.stageIndex,
                                                 stageStatus: StageStatus.pending.rawValue),
                                      request: nil)
            }
        } catch {
            failed(context, p, String(describing: error))
        }
    }

    /// Identity's organisations of a kind under a scope path (optionally of a specialty), each
    /// once. `Escalation` asks the same to learn whether a rule-any stage has approvers.
    static func organisations(_ context: ServiceContext, kind: String, under: String, specialty: String?) throws -> [OrganisationList.Item] {
        var url = context.settings.identityURL + "/api/identity/v1/internal/organisations?kind=" + encode(kind)
            + "&under=" + encode(under)
        if let sp = specialty { url += "&specialty=" + encode(sp) }
        let list = try context.http.getJSON(url, headers: context.internalHeaders, as: OrganisationList.self)
        var seen = Set<String>()
        return list.items.filter { !$0.id.isEmpty && seen.insert($0.id).inserted }
    }

    private static func failed(_ context: ServiceContext, _ p: PendingResolution, _ error: String) {
        context.logger.warning("approver lookup failed", ["request": p.requestID, "stage": String(p.stageIndex), "error": error])
        _ = try? context.database.withConnection {
            try StageStore.resolutionFailed($0, requestID: p.requestID, index: p.stageIndex, error: error)
        }
    }

    private static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
