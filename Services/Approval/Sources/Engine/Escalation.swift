import Foundation
import KitCore
import KitPostgres
import Models
import ServiceKit

/// No request waits forever. A stage whose approvers are a region body that does not exist
/// (no provincial centre of the province, or none of the request's specialty; no city
/// commission of the city) goes to the next level up:
///   provincial centre → national centre (nation), city commission → provincial centre (province),
/// which is itself checked again (a province without any centre then goes on to the national
/// centre). Rule-all stages move when identity lists nobody (`ApproverResolver`); rule-any
/// stages are checked by this background task once they open (identity's organisation
/// directory, as for rule all). A lookup that fails (identity down) is retried; only an answer
/// "nobody" moves a stage.
enum Escalation {
    struct Step: Sendable { let role: String; let scope: ScopeLevel; let stageName: String }

    /// The next level up of a stage role, or nil when the role has none (national bodies, a
    /// hospital's own administrators).
    static func next(_ role: String) -> Step? {
        switch role {
        case "provincial_centre": return Step(role: "national_centre", scope: .nation, stageName: "国家质控中心审批")
        case "city_commission": return Step(role: "provincial_centre", scope: .province, stageName: "省级质控中心审批")
        default: return nil
        }
    }

    /// The organisation kind whose existence decides whether a role's stage has approvers.
    static func orgKind(_ role: String) -> String? {
        ["provincial_centre", "city_commission"].contains(role) ? role : nil
    }

    /// What the applicant is told.
    static func note(role: String, specialty: String?, specialtyMatch: Bool, to step: Step) -> String {
        let missing: String
        switch role {
        case "provincial_centre":
            if specialtyMatch, let sp = specialty { missing = "该省尚无负责\(Specialty.name(sp) ?? sp)的省级质控中心" } else { missing = "该省尚无省级质控中心" }
        case "city_commission": missing = "该市尚无市卫生健康委"
        default: missing = "本环节暂无审批单位"
        }
        let up = step.role == "national_centre" ? "国家质控中心" : Presenter.roleTitle(step.role)
        return "\(missing)，已自动转由\(up)审批"
    }

    static func task(_ context: ServiceContext) -> BackgroundTask {
        BackgroundTask(name: "approval-escalation", interval: Env.double("ESCALATION_INTERVAL", 1)) {
            (try? checkDue(context)) ?? false
        }
    }

    /// Checks due rule-any stages; true when more may be due.
    static func checkDue(_ context: ServiceContext, limit: Int = 10) throws -> Bool {
        let due = try context.database.withConnection { try StageStore.dueApproverChecks($0, limit: limit) }
        for p in due { check(context, p) }
        return due.count == limit
    }

    /// `p.orgKind` carries the stage's role here.
    static func check(_ context: ServiceContext, _ p: PendingResolution) {
        guard let kind = orgKind(p.orgKind) else { return }
        let found: Bool
        do {
            found = try !ApproverResolver.organisations(context, kind: kind, under: p.scopePath, specialty: p.specialtyMatch ? p.specialty : nil).isEmpty
        } catch {
            context.logger.warning("approver check failed", ["request": p.requestID, "error": String(describing: error)])
            _ = try? context.database.withConnection {
                try StageStore.approversChecked($0, requestID: p.requestID, index: p.stageIndex, found: false)
            }
            return
        }
        if found {
            _ = try? context.database.withConnection {
                try StageStore.approversChecked($0, requestID: p.requestID, index: p.stageIndex, found: true)
            }
        } else {
            do {
                try context.database.transaction { conn in
                    try escalate(conn, requestID: p.requestID, index: p.stageIndex, from: .pending)
                }
            } catch {
                context.logger.warning("escalation failed", ["request": p.requestID, "error": String(describing: error)])
            }
        }
    }

    /// Moves the request's open stage `index` one level up, when it is still open in state
    /// `from` and its role has a next level. Under the request's row lock.
    @discardableResult
    static func escalate(_ conn: PGConnection, requestID: String, index: Int, from: StageStatus) throws -> Bool {
        guard let r = try RequestStore.lock(conn, id: requestID), r.status == .pending, r.currentStage == index,
              let stage = try StageStore.find(conn, requestID: requestID, index: index), stage.status == from,
              let step = next(stage.role) else { return false }
        let scope = try SubjectScope(r.scopePath, provinceCode: nil, cityCode: nil)
        let path = try scope.path(at: step.scope)
        let note = note(role: stage.role, specialty: r.specialty, specialtyMatch: stage.specialtyMatch, to: step)
        try StageStore.escalate(conn, requestID: requestID, index: index, to: step.role, scope: step.scope, scopePath: path,
                                name: "\(step.stageName)（自动上转）", note: note)
        try EventStore.append(conn, requestID: requestID, NewEvent(kind: "stage_escalated", stageIndex: index, note: note))
        try AuditTrail.record(conn, actor: "service:approval", action: "approval.stage.escalate", requestID: requestID,
                              old: .init(status: r.status.rawValue, stage: index, stageStatus: stage.status.rawValue),
                              new: .init(status: r.status.rawValue, stage: index, stageStatus: StageStatus.pending.rawValue),
                              request: nil)
        return true
    }
}
