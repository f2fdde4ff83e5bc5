import Foundation
import Models

/// Turns stored rows into what approvers, applicants and subject services are shown.
enum Presenter {
    static func stages(_ stages: [StageRecord], orgs: [ApproverOrg], decisions: [DecisionRecord]) -> [StageView] {
        stages.map { s in
            let stageOrgs = orgs.filter { $0.stageIndex == s.index }
            let stageDecisions = decisions.filter { $0.stageIndex == s.index }
            let open = s.status == .pending || s.status == .resolving
            return StageView(
                index: s.index, name: s.name, role: s.role, approvers: approvers(s), rule: s.rule,
                specialtyMatch: s.specialtyMatch, status: s.status, since: s.openedAt, completedAt: s.completedAt,
                orgs: stageOrgs.map { OrgView(id: $0.orgID, name: $0.orgName, decision: $0.decision, decidedAt: $0.decidedAt) },
                pendingOrgs: open ? stageOrgs.filter { $0.decision == nil }.map { OrgRef(id: $0.orgID, name: $0.orgName) } : [],
                decisions: stageDecisions.map { d in
                    DecisionView(orgId: d.orgID, orgName: d.orgName ?? roleTitle(d.role), userId: d.userID,
                                 userName: d.userName, decision: d.decision, opinion: d.opinion, at: d.at)
                },
                escalatedFrom: s.escalatedFrom, escalationNote: s.escalationNote)
        }
    }

    static func detail(_ r: RequestRecord, stages: [StageView], canDecide: Bool) -> RequestDetail {
        RequestDetail(
            id: r.id, type: r.type, chain: r.chainCode, chainName: r.chainName, title: r.title, status: r.status,
            statusTitle: r.status.title, subject: .init(service: r.subjectService, id: r.subjectID),
            applicant: JSONValue.parse(r.applicantJSON), scopePath: r.scopePath, specialty: r.specialty,
            institutionOrgID: r.institutionOrgID, attachments: r.attachments, details: JSONValue.parse(r.detailsJSON),
            reason: r.reason, currentStage: r.currentStage, acted: r.acted, opinion: r.outcomeOpinion,
            decidedAt: r.decidedAt, createdAt: r.createdAt, stages: stages, canDecide: canDecide,
            allowedDecisions: canDecide ? r.chainDecisions : [])
    }

    static func subjectStatus(_ r: RequestRecord, stages: [StageView]) -> SubjectStatus {
        SubjectStatus(id: r.id, type: r.type, chain: r.chainCode, status: r.status, currentStage: r.currentStage,
                      stages: stages, acted: r.acted, opinion: r.outcomeOpinion, decidedAt: r.decidedAt, scopePath: r.scopePath)
    }

    static func history(_ events: [EventRecord], stages: [StageRecord]) -> [HistoryItem] {
        events.map { e in
            let stageName = e.stageIndex.flatMap { i in stages.first { $0.index == i }?.name }
            return HistoryItem(at: e.at, event: e.kind, title: title(e, stageName: stageName), stage: e.stageIndex,
                               actorId: e.actorID, actorName: e.actorName, orgId: e.orgID, orgName: e.orgName,
                               decision: e.decision, opinion: e.opinion, note: e.note)
        }
    }

    /// "省级质控中心（对应专业，各单位均需审批）".
    static func approvers(_ s: StageRecord) -> String {
        var notes: [String] = []
        if s.specialtyMatch { notes.append("对应专业") }
        if s.rule == .all { notes.append("各单位均需审批") }
        return roleTitle(s.role) + (notes.isEmpty ? "" : "（" + notes.joined(separator: "，") + "）")
    }

    static func roleTitle(_ role: String) -> String {
        Role(rawValue: role)?.title ?? role
    }

    private static func title(_ e: EventRecord, stageName: String?) -> String {
        let stage = stageName.map { "「\($0)」" } ?? ""
        switch e.kind {
        case "created": return "提交申请"
        case "stage_opened": return "进入\(stage)环节"
        case "decided":
            let d = e.decision.flatMap(Decision.init(rawValue:))?.title ?? (e.decision ?? "")
            return "\(e.orgName ?? "")\(d)"
        case "stage_completed": return "\(stage)环节通过"
        case "stage_escalated": return "无审批单位，上转\(stage)"
        case "approved": return "审批通过"
        case "rejected": return "审批未通过"
        case "returned": return "已退回"
        case "withdrawn": return "申请已撤回"
        case "superseded": return "申请已修改，原申请作废"
        case "moved": return "机构所在地区变更，转由新地区审批"
        default: return e.kind
        }
    }
}
