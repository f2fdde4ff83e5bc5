import Foundation
import KitClient
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// The body reporting sends to `POST /api/approval/v1/internal/requests` (through the outbox).
struct ApprovalRequestBody: Encodable, Sendable {
    struct Subject: Encodable, Sendable { var service: String; var id: String }
    struct Applicant: Encodable, Sendable { var name: String; var orgName: String?; var userId: String; var orgId: String }
    var type: String
    var chain: String
    var subject: Subject
    var title: String
    var applicant: Applicant
    var scopePath: String
    var provinceCode: String?
    var cityCode: String?
    var specialty: String?
    var institutionOrgID: String
    /// What the reviewer sees on approval's detail page: labelled values, flat.
    var details: [String: String]
    var reason: String?
    var callbackPath: String
}

/// `POST /api/reporting/v1/internal/approval-outcomes`: approval's final decision on a request
/// reporting opened.
struct OutcomeAnswer: Encodable, Sendable {
    var applied: Bool
    var stale: Bool?
}

/// Review of submissions and modification requests through the approval service: requests go
/// out through the outbox in the transaction that changes the report; outcomes come back on the
/// internal callback and are applied once, to the opening they decide.
enum Review {
    static let callbackPath = "/api/reporting/v1/internal/approval-outcomes"
    static let reasonMax = 200

    /// Opens the request of `kind` for the report and queues it to approval (same transaction).
    static func open(_ conn: PGConnection, kind: String, chain: String, report r: ReportRecord, program p: ProgramRecord,
                     definition def: FormDefinition, values: [String: StoredValue], caller: Caller, orgName: String?,
                     reason: String?) throws -> ReviewRecord {
        let opened = try ReviewStore.open(conn, reportID: r.id, kind: kind, reason: reason, by: caller.id, byName: caller.name)
        let segments = r.scopePath.split(separator: "/").map(String.init)
        let per = Period.parse(r.period, p.periodType)
        let formName = try Entry.formRecord(conn, r).name
        var details: [String: String] = [
            "填报项目": p.name, "填报表单": "\(formName)（\(def.version.name)）", "填报期间": per?.label ?? r.period,
            "报告编号": r.id,
        ]
        if let orgName { details["医疗机构"] = orgName }
        if let reason { details["修改理由"] = reason }
        let comments = try CheckStore.comments(conn, reportID: r.id)  // 说明 shown to the reviewer with the value
        for ind in def.indicators {
            let shown: String
            switch OutputValue(values[ind.code]) {
            case .null: shown = "（未填）"
            case .number(let d): shown = "\(d)" + (ind.unit.isEmpty ? "" : " \(ind.unit)")
            case .string(let s): shown = s
            }
            details["\(ind.code) \(ind.name)"] = shown + (comments[ind.code].map { "（说明：\($0)）" } ?? "")
        }
        let what = kind == "review" ? "数据审核" : "申请修改"
        let body = ApprovalRequestBody(
            // the request type of the seeded chains (approval checks that chain and type agree)
            type: kind == "review" ? "monthly_submission" : "modification_request",
            chain: chain, subject: .init(service: "reporting", id: opened.subjectID),
            title: String("\(orgName ?? "医疗机构") \(per?.label ?? r.period) \(p.name)\(what)".prefix(100)),
            applicant: .init(name: caller.name, orgName: orgName, userId: caller.id, orgId: r.orgID),
            scopePath: r.scopePath, provinceCode: segments.count > 1 ? segments[1] : nil,
            cityCode: segments.count > 2 ? segments[2] : nil, specialty: p.reviewSpecialty, institutionOrgID: r.orgID,
            details: details, reason: reason, callbackPath: callbackPath)
        try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests", body: body,
                           key: "reporting:\(opened.subjectID)")
        return opened
    }

    // MARK: 申请修改

    /// `POST /reports/:id/modification` `{"reason"}`: after submission, a reason of at most 200
    /// characters goes to approval; the report stays read-only until the outcome.
    static func requestModification(_ context: ServiceContext, caller: Caller, id: String, reason raw: String?,
                                    request: Request, now: Date) throws -> FormView {
        let reason = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw APIError.invalid("reason", "请填写申请修改的理由", code: "missing_field") }
        guard reason.count <= reasonMax else {
            throw APIError.invalid("reason", "申请修改的理由不能超过\(reasonMax)个字（当前\(reason.count)个字）", code: "too_long")
        }
        guard ID.isValid(id) else { throw APIError.notFound }
        let inst = try caller.requireInstitution()
        let orgName = OrganisationNames.name(context, orgID: inst.orgID)
        return try context.database.transaction { conn in
            guard let r = try ReportStore.lockForEntry(conn, id: id, caller: caller) else {
                if try ReportStore.visible(conn, id: id, caller: caller) != nil {
                    throw APIError(403, "forbidden", "您的角色只能查看，不能申请修改")
                }
                throw APIError.notFound
            }
            try caller.requireProgram(r.programCode)
            let p = try Entry.program(conn, code: r.programCode)
            guard let chain = p.modificationChain else {
                throw APIError.conflict("该项目不支持申请修改", code: "modification_not_supported")
            }
            switch r.status {
            case .draft, .returned: throw APIError.conflict("报告尚未提交，可直接修改", code: "report_editable")
            case .underReview: throw APIError.conflict("审核中，不能申请修改；请等待审核结果", code: "report_under_review")
            case .submitted, .accepted: break
            }
            if let open = try ReviewStore.latest(conn, reportID: r.id, kind: "modification"), open.status == "open" {
                throw APIError.conflict("已申请修改，正在等待审批", code: "modification_pending")
            }
            let def = try DefinitionCache.definition(conn, versionID: r.versionID)
            let values = try ValueStore.values(conn, reportID: r.id)
            let opened = try open(conn, kind: "modification", chain: chain, report: r, program: p, definition: def,
                                  values: values, caller: caller, orgName: orgName, reason: reason)
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: r.orgID, action: "report.modification_request",
                                              objectType: "report", objectID: r.id,
                                              newValue: Audit.json(["subject": opened.subjectID, "reason": reason]),
                                              request: request))
            return try Entry.view(conn, r, program: p, canEnter: true, now: now)
        }
    }

    // MARK: outcomes

    /// Applies approval's final decision once, to the opening it decides. The request id must be
    /// the one approval opened for that subject (confirmed with approval the first time, then
    /// bound); any other is refused (409 `unknown_request`). An outcome of an opening that is no
    /// longer current is acknowledged and ignored (`stale`).
    static func applyOutcome(_ context: ServiceContext, body: OutcomeCallback, idempotencyKey: String?,
                             request: Request) throws -> OutcomeAnswer {
        let unknown = APIError.conflict("该审批请求不是本报告发起的", code: "unknown_request")
        return try ApprovalOutcome.apply(context, body: body, idempotencyKey: idempotencyKey, unknown: unknown,
                                         find: { try ReviewStore.bySubject($0, subjectID: $1, lock: $2) },
                                         bind: { try ReviewStore.bindRequest($0, id: $1, requestID: $2) }) { conn, review -> OutcomeAnswer in
            guard review.status == "open", let r = try ReportStore.lock(conn, id: review.reportID) else {
                return OutcomeAnswer(applied: false, stale: true)
            }
            let latest = try ReviewStore.latest(conn, reportID: r.id, kind: review.kind)
            guard latest?.id == review.id else { return OutcomeAnswer(applied: false, stale: true) }
            let opinion = body.opinion.flatMap { $0.isEmpty ? nil : $0 }
            var newStatus: ReportStatus?
            var reopened = false
            let decided: String
            if review.kind == "review" {
                guard r.status == .underReview else { return OutcomeAnswer(applied: false, stale: true) }
                switch body.outcome {
                case "approved": newStatus = .accepted; decided = "approved"
                case "withdrawn": newStatus = .returned; decided = "withdrawn"
                default: newStatus = .returned; decided = "returned"
                }
            } else {
                switch body.outcome {
                case "approved":
                    guard r.status == .submitted || r.status == .accepted else { return OutcomeAnswer(applied: false, stale: true) }
                    newStatus = .draft; reopened = true; decided = "approved"
                case "withdrawn": decided = "withdrawn"
                default: decided = "rejected"
                }
            }
            try ReviewStore.decide(conn, id: review.id, status: decided, opinion: opinion, by: body.decidedBy)
            if let newStatus { try ReportStore.setStatus(conn, id: r.id, status: newStatus, reopened: reopened) }
            try Audit.record(conn, AuditEntry(actorID: "service:approval", actorOrg: r.orgID,
                                              action: review.kind == "review" ? "report.review_outcome" : "report.modification_outcome",
                                              objectType: "report", objectID: r.id,
                                              oldValue: Audit.json(["status": r.status.rawValue]),
                                              newValue: Audit.json(["status": (newStatus ?? r.status).rawValue, "outcome": decided,
                                                                    "requestId": body.requestId, "opinion": opinion ?? ""]),
                                              request: request))
            return OutcomeAnswer(applied: true, stale: nil)
        }
    }
}
