import Foundation
import KitClient
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

// MARK: views

/// A year row of the old system as the binding pages show it. The head's name and phone are
/// masked (the keyword still finds them).
struct HistoryRecordView: Encodable, Sendable {
    let id: String
    let program: String
    let institutionName: String
    let regionName: String
    let headName: String
    let phone: String
    let period: String
    let submitted: Bool
    let statusLabel: String
    let enteredAt: Date
    let counts: [String: Int]
    let countsLabel: String
    /// Preview only: the old summary form's values (label → value).
    let summary: [String: String]?
    /// `unbound`, `pending` (a request waits at approval), `bound`.
    let state: String
    /// The record is bound to, or requested by, the caller's institution.
    let mine: Bool
    let boundAt: Date?
}

struct BindingView: Encodable, Sendable {
    let id: String
    let recordId: String
    let status: String
    let statusLabel: String
    let opinion: String?
    let requestedByName: String
    let requestedAt: Date
    let decidedAt: Date?
    let unboundAt: Date?
    let record: HistoryRecordView?
}

struct HistorySearchView: Encodable, Sendable {
    let total: Int
    let items: [HistoryRecordView]
    let nextCursor: String?
}

struct BindingListView: Encodable, Sendable {
    /// 目前本单位已绑定N条数据
    let boundCount: Int
    let items: [BindingView]
}

/// 绑定既往数据 (docs/registries.md): an institution finds its earlier years of the old system
/// (unbound records of its province), previews one and asks to bind it; the request goes to
/// approval (the program's binding chain: the provincial centre of the program's specialty)
/// through the outbox in the transaction that records it; the outcome comes back on
/// `/internal/binding-outcomes` and is applied once. An approved record shows among the
/// institution's years (`GET /registry-years/:program`). 解绑 needs no approval (the manual:
/// "如果绑定错误，可解绑"): the record is unbound again at once.
enum Binding {
    static let callbackPath = "/api/reporting/v1/internal/binding-outcomes"
    static let keywordMax = 50

    static let statusLabels = ["pending": "审批中", "approved": "已绑定", "rejected": "未通过", "withdrawn": "已撤回", "unbound": "已解绑"]

    /// The program and its binding settings; 404 when the program has no binding.
    static func program(_ conn: PGConnection, caller: Caller, code: String?) throws -> (ProgramRecord, BindingSettings) {
        guard let code, !code.isEmpty else { throw APIError.invalid("program", "请选择填报项目", code: "missing_field") }
        try caller.requireProgram(code)
        let p = try Entry.program(conn, code: code)
        guard let s = p.bindingChain.map({ BindingSettings(chain: $0, specialty: p.bindingSpecialty) }) else {
            throw APIError(404, "binding_not_supported", "该项目没有既往数据可绑定")
        }
        return (p, s)
    }

    /// The caller's institution grant that may bind (institution or specialty administrator).
    static func binder(_ caller: Caller) throws -> RoleAssignment {
        let inst = try caller.requireInstitution()
        guard BindingStore.binderRoles.contains(inst.role.rawValue) else {
            throw APIError(403, "forbidden", "只有医疗机构管理员可以绑定既往数据")
        }
        return inst
    }

    static func countsLabel(_ counts: [String: Int], lists: [(code: String, shortName: String)]) -> String {
        "共上报" + lists.sorted { $0.code > $1.code }.map { "\(counts[$0.code] ?? 0)例\($0.shortName)" }.joined(separator: "，")
    }

    static func lists(_ conn: PGConnection, programID: String) throws -> [(code: String, shortName: String)] {
        var seen = Set<String>()
        var out: [(code: String, shortName: String)] = []
        for d in try RegistryStore.ofProgram(conn, programID: programID).sorted(by: { $0.firstPeriod > $1.firstPeriod })
        where seen.insert(d.code).inserted {
            out.append((d.code, d.shortName))
        }
        return out
    }

    static func view(_ r: HistoryRecord, program: String, lists: [(code: String, shortName: String)], orgID: String?,
                     preview: Bool = false) -> HistoryRecordView {
        let state = r.boundOrgID != nil ? "bound" : r.pendingOrgID != nil ? "pending" : "unbound"
        let mine = orgID != nil && (r.boundOrgID == orgID || r.pendingOrgID == orgID)
        return HistoryRecordView(id: r.id, program: program, institutionName: r.institutionName, regionName: r.regionName,
                                 headName: r.headName.isEmpty ? "" : ChineseFormats.maskName(r.headName),
                                 phone: r.phone.isEmpty ? "" : ChineseFormats.maskPhone(r.phone), period: r.period,
                                 submitted: r.submitted, statusLabel: r.submitted ? "已提交" : "未提交", enteredAt: r.enteredAt,
                                 counts: r.counts, countsLabel: countsLabel(r.counts, lists: lists),
                                 summary: preview ? r.summary : nil, state: state, mine: mine, boundAt: r.boundAt)
    }

    static func bindingView(_ b: BindingRecord, record: HistoryRecordView?) -> BindingView {
        BindingView(id: b.id, recordId: b.recordID, status: b.status, statusLabel: statusLabels[b.status] ?? b.status,
                    opinion: b.opinion, requestedByName: b.requestedByName, requestedAt: b.requestedAt, decidedAt: b.decidedAt,
                    unboundAt: b.unboundAt, record: record)
    }

    // MARK: search, preview

    /// `GET /history-records?program=&q=&limit=&cursor=`: unbound records of the caller's
    /// province matching the keyword.
    static func search(_ context: ServiceContext, caller: Caller, params: [String: String], paging: Paging) throws -> HistorySearchView {
        let inst = try binder(caller)
        var keyword = params["q"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        if keyword?.isEmpty == true { keyword = nil }
        if let k = keyword, k.count > keywordMax { throw APIError.invalid("q", "关键词不能超过\(keywordMax)个字", code: "too_long") }
        return try context.database.withConnection { conn in
            let (p, _) = try program(conn, caller: caller, code: params["program"])
            let lists = try lists(conn, programID: p.id)
            let rows = try BindingStore.search(conn, caller: caller, programID: p.id, keyword: keyword, after: paging.after, limit: paging.limit)
            let page = paging.page(rows.map { view($0, program: p.code, lists: lists, orgID: inst.orgID) }, id: \.id)
            let total = try BindingStore.searchCount(conn, caller: caller, programID: p.id, keyword: keyword)
            return HistorySearchView(total: total, items: page.items, nextCursor: page.nextCursor)
        }
    }

    /// `GET /history-records/:id`: the preview (with the old summary form's values).
    static func show(_ context: ServiceContext, caller: Caller, id: String) throws -> HistoryRecordView {
        guard ID.isValid(id) else { throw notFound }
        return try context.database.withConnection { conn in
            guard let r = try BindingStore.visible(conn, caller: caller, id: id) else { throw notFound }
            let p = try Entry.program(conn, id: r.programID)
            try caller.requireProgram(p.code)
            return view(r, program: p.code, lists: try lists(conn, programID: p.id), orgID: caller.institution?.orgID, preview: true)
        }
    }

    static let notFound = APIError(404, "history_record_not_found", "既往数据不存在")

    // MARK: request

    /// `POST /history-records/:id/binding`: opens the request and queues it to approval in one
    /// transaction. 409 `already_bound`, `binding_pending` (another request, by anyone, waits).
    static func request(_ context: ServiceContext, caller: Caller, id: String, request: Request) throws -> BindingView {
        let inst = try binder(caller)
        guard ID.isValid(id) else { throw notFound }
        let orgName = OrganisationNames.name(context, orgID: inst.orgID)
        return try context.database.transaction { conn in
            guard let r = try BindingStore.visible(conn, caller: caller, id: id, lock: true) else { throw notFound }
            let p = try Entry.program(conn, id: r.programID)
            try caller.requireProgram(p.code)
            guard let settings = p.bindingChain.map({ BindingSettings(chain: $0, specialty: p.bindingSpecialty) }) else {
                throw APIError(404, "binding_not_supported", "该项目没有既往数据可绑定")
            }
            _ = try Cases.entering(conn, caller: caller, program: p)
            if r.boundOrgID == inst.orgID { throw APIError.conflict("该数据已绑定到本单位", code: "already_bound") }
            if r.boundOrgID != nil { throw APIError.conflict("该数据已被其他单位绑定", code: "already_bound") }
            if let pending = r.pendingOrgID {
                throw APIError.conflict(pending == inst.orgID ? "本单位已申请绑定该数据，正在等待审批" : "该数据已被其他单位申请绑定，正在审批中",
                                        code: "binding_pending")
            }
            guard let b = try BindingStore.open(conn, id: ID.new(), record: r, orgID: inst.orgID, scopePath: inst.scopePath,
                                                by: caller.id, byName: caller.name) else {
                throw APIError.conflict("该数据已被其他单位申请绑定，正在审批中", code: "binding_pending")
            }
            let lists = try lists(conn, programID: p.id)
            let segments = inst.scopePath.split(separator: "/").map(String.init)
            var details: [String: String] = [
                "填报项目": p.name, "既往数据医院名称": r.institutionName, "既往数据行政区划": r.regionName,
                "调查年度": r.period, "提交状态": r.submitted ? "已提交" : "未提交", "录入时间": Self.day(r.enteredAt),
                "上报病例": countsLabel(r.counts, lists: lists), "申请单位": orgName ?? inst.orgID,
            ]
            if !r.headName.isEmpty { details["医院负责人"] = r.headName }
            if !r.phone.isEmpty { details["联系电话"] = r.phone }
            for (k, v) in r.summary { details["总表 \(k)"] = v }
            let body = ApprovalRequestBody(
                type: "history_binding", chain: settings.chain, subject: .init(service: "reporting", id: b.subjectID),
                title: String("\(orgName ?? "医疗机构") 绑定既往数据：\(r.institutionName) \(r.period)年度".prefix(100)),
                applicant: .init(name: caller.name, orgName: orgName, userId: caller.id, orgId: inst.orgID),
                scopePath: inst.scopePath, provinceCode: segments.count > 1 ? segments[1] : nil,
                cityCode: segments.count > 2 ? segments[2] : nil, specialty: settings.specialty, institutionOrgID: inst.orgID,
                details: details, reason: nil, callbackPath: callbackPath)
            try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests", body: body, key: "reporting:\(b.subjectID)")
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "history.binding_request",
                                              objectType: "history_record", objectID: r.id,
                                              newValue: Audit.json(["binding": b.id, "period": r.period]), request: request))
            let fresh = try BindingStore.visible(conn, caller: caller, id: r.id)
            return bindingView(b, record: fresh.map { view($0, program: p.code, lists: lists, orgID: inst.orgID) })
        }
    }

    static func day(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: d)
    }

    // MARK: the institution's bindings, 解绑

    /// `GET /history-bindings?program=`: the institution's requests (every state) with their records.
    static func list(_ context: ServiceContext, caller: Caller, programCode: String?) throws -> BindingListView {
        let inst = try binder(caller)
        return try context.database.withConnection { conn in
            let (p, _) = try program(conn, caller: caller, code: programCode)
            let lists = try lists(conn, programID: p.id)
            let bindings = try BindingStore.ofOrganisation(conn, programID: p.id, orgID: inst.orgID)
            let records = try BindingStore.records(conn, ids: Array(Set(bindings.map(\.recordID))))
            let items = bindings.map { b in
                bindingView(b, record: records[b.recordID].map { view($0, program: p.code, lists: lists, orgID: inst.orgID) })
            }
            return BindingListView(boundCount: bindings.filter { $0.status == "approved" }.count, items: items)
        }
    }

    /// `POST /history-bindings/:id/unbind`: 解绑, at once (no approval); the record is unbound
    /// again and leaves the institution's years. Only an approved binding of the caller's
    /// institution (404 otherwise); 409 `not_bound` for a binding in another state.
    static func unbind(_ context: ServiceContext, caller: Caller, id: String, request: Request) throws -> BindingView {
        let inst = try binder(caller)
        guard ID.isValid(id) else { throw APIError(404, "binding_not_found", "绑定记录不存在") }
        return try context.database.transaction { conn in
            guard let b = try BindingStore.binding(conn, id: id, lock: true), b.orgID == inst.orgID else {
                throw APIError(404, "binding_not_found", "绑定记录不存在")
            }
            let p = try Entry.program(conn, id: b.programID)
            try caller.requireProgram(p.code)
            guard b.status == "approved" else { throw APIError.conflict("该数据未绑定，无需解绑", code: "not_bound") }
            try BindingStore.unbind(conn, binding: b, by: caller.id)
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "history.unbind",
                                              objectType: "history_record", objectID: b.recordID,
                                              oldValue: Audit.json(["boundOrg": b.orgID]), newValue: Audit.json(["binding": b.id]),
                                              request: request))
            let fresh = try BindingStore.binding(conn, id: id)!
            let lists = try lists(conn, programID: p.id)
            let rec = try BindingStore.records(conn, ids: [b.recordID])[b.recordID]
            return bindingView(fresh, record: rec.map { view($0, program: p.code, lists: lists, orgID: inst.orgID) })
        }
    }

    // MARK: outcomes

    /// Approval's final decision on a binding request, applied once (like report reviews: the
    /// request id is confirmed with approval the first time, then bound). Approved: the record
    /// is bound to the institution unless it is bound already (then the binding is `rejected`
    /// with a note). An outcome for a binding no longer pending is acknowledged as stale.
    static func applyOutcome(_ context: ServiceContext, body: OutcomeCallback, idempotencyKey: String?,
                             request: Request) throws -> OutcomeAnswer {
        let unknown = APIError.conflict("该审批请求不是本绑定申请发起的", code: "unknown_request")
        return try ApprovalOutcome.apply(context, body: body, idempotencyKey: idempotencyKey, unknown: unknown,
                                         find: { try BindingStore.bySubject($0, subjectID: $1, lock: $2) },
                                         bind: { try BindingStore.bindRequest($0, id: $1, requestID: $2) }) { conn, b -> OutcomeAnswer in
            guard b.status == "pending" else { return OutcomeAnswer(applied: false, stale: true) }
            var opinion = body.opinion.flatMap { $0.isEmpty ? nil : $0 }
            var decided: String
            switch body.outcome {
            case "approved": decided = "approved"
            case "withdrawn": decided = "withdrawn"
            default: decided = "rejected"
            }
            if decided == "approved" {
                // the record row is locked first, like a request does
                try BindingStore.lockRecord(conn, id: b.recordID)
                if !(try BindingStore.bindRecord(conn, recordID: b.recordID, orgID: b.orgID, scopePath: b.scopePath)) {
                    decided = "rejected"
                    opinion = (opinion.map { $0 + "；" } ?? "") + "该数据已被其他单位绑定"
                }
            }
            try BindingStore.decide(conn, id: b.id, status: decided, opinion: opinion, by: body.decidedBy)
            try Audit.record(conn, AuditEntry(actorID: "service:approval", actorOrg: b.orgID, action: "history.binding_outcome",
                                              objectType: "history_record", objectID: b.recordID,
                                              newValue: Audit.json(["binding": b.id, "outcome": decided, "requestId": body.requestId,
                                                                    "opinion": opinion ?? ""]),
                                              request: request))
            return OutcomeAnswer(applied: true, stale: nil)
        }
    }
}
