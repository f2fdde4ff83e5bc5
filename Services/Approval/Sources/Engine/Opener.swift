import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Opens a request on a chain: validates it, copies the chain's stages with their scope paths,
/// supersedes an earlier revision nobody acted on, and opens the first stage.
enum Opener {
    struct Opened: Sendable {
        var record: RequestRecord
        var created: Bool
        var resolve: PendingResolution?
    }

    /// What was checked before the transaction.
    private struct Checked {
        var body: CreateRequestBody
        var scope: SubjectScope
        var title: String
        var applicant: Applicant
        var attachments: [String]
        var details: JSONValue
        var subjectService: ServiceName
        var specialty: String?
    }

    static func open(_ context: ServiceContext, body: CreateRequestBody, idempotencyKey: String?,
                     request: Request) throws -> Opened {
        let checked = try check(body)
        let opened: Opened
        do {
            opened = try context.database.transaction { conn in
                try open(conn, checked, idempotencyKey: idempotencyKey, request: request)
            }
        } catch let e as PGError where e.isUniqueViolation && idempotencyKey != nil {
            // The same key raced in on another connection: answer with what it created.
            guard let existing = try context.database.withConnection({ try RequestStore.byIdempotencyKey($0, key: idempotencyKey!) })
            else { throw e }
            return Opened(record: existing, created: false, resolve: nil)
        }
        if let pending = opened.resolve {
            ApproverResolver.resolve(context, pending)
        }
        return opened
    }

    private static func check(_ body: CreateRequestBody) throws -> Checked {
        guard Rules.isCode(body.type) else { throw APIError.invalid("type", "申请类型格式错误", code: "invalid_type") }
        guard let service = ServiceName(rawValue: body.subject.service), [.identity, .documents, .reporting].contains(service) else {
            throw APIError.invalid("subject.service", "申请对象所属服务无效", code: "invalid_subject")
        }
        let subjectID = body.subject.id
        guard !subjectID.isEmpty, subjectID.count <= 200, !subjectID.unicodeScalars.contains(where: { $0.value < 0x21 }) else {
            throw APIError.invalid("subject.id", "申请对象编号无效", code: "invalid_subject")
        }
        let title = try Rules.text(body.title, field: "title", max: Rules.titleMax, label: "申请标题")
        var applicant = body.applicant
        applicant.name = try Rules.text(applicant.name, field: "applicant.name", max: 100, label: "申请人姓名")
        let scope = try SubjectScope(body.scopePath, provinceCode: body.provinceCode, cityCode: body.cityCode)
        if let sp = body.specialty, !Rules.isCode(sp) {
            throw APIError.invalid("specialty", "专业代码无效", code: "invalid_specialty")
        }
        let attachments = body.attachments ?? []
        guard attachments.count <= Rules.maxAttachments,
              attachments.allSatisfy({ !$0.isEmpty && $0.count <= 100 }) else {
            throw APIError.invalid("attachments", "附件列表无效", code: "invalid_attachments")
        }
        let details = body.details ?? .object([:])
        guard details.isObject, details.text.utf8.count <= Rules.maxDetailsBytes else {
            throw APIError.invalid("details", "申请详情必须是不超过64KB的 JSON 对象", code: "invalid_details")
        }
        if let path = body.callbackPath {
            // It decides where the outbox posts the outcome: the subject service's own internal
            // API, plain segments of letters, digits, `-` and `_` only (no `..`, `%`, `?`, `#`,
            // empty segments), so that nothing can steer it to another service.
            let prefix = "/api/\(service.rawValue)/v1/internal/"
            let rest = path.hasPrefix(prefix) ? path.dropFirst(prefix.count) : ""
            guard !rest.isEmpty, path.count <= 300,
                  rest.split(separator: "/", omittingEmptySubsequences: false).allSatisfy({ seg in
                      !seg.isEmpty && seg.unicodeScalars.allSatisfy {
                          ($0.value < 0x80 && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_"
                      }
                  }) else {
                throw APIError.invalid("callbackPath", "回调路径必须是申请对象所属服务的内部接口", code: "invalid_callback")
            }
        }
        return Checked(body: body, scope: scope, title: title, applicant: applicant, attachments: attachments,
                       details: details, subjectService: service, specialty: body.specialty)
    }

    private static func open(_ conn: PGConnection, _ c: Checked, idempotencyKey: String?, request: Request) throws -> Opened {
        if let key = idempotencyKey, let existing = try RequestStore.byIdempotencyKey(conn, key: key) {
            return Opened(record: existing, created: false, resolve: nil)
        }
        let chain = try chainFor(conn, c.body)
        // A stage bound to the request's specialty can only be decided by a grant of that
        // specialty: a request without one would wait for nobody.
        if (chain.specialtyRequired || chain.stages.contains(where: \.specialtyMatch)) && c.specialty == nil {
            throw APIError.invalid("specialty", "该类申请必须指定专业", code: "specialty_required")
        }
        let reason = try Rules.reason(c.body.reason, chain: chain)
        let stagePaths = try chain.stages.map { try c.scope.path(at: $0.scope) }

        let service = c.subjectService.rawValue
        try RequestStore.lockSubject(conn, service: service, subjectID: c.body.subject.id)
        for old in try RequestStore.pendingForSubject(conn, service: service, subjectID: c.body.subject.id) {
            guard !old.acted else {
                throw APIError.conflict("该申请已进入审批，不能再修改", code: "request_in_review")
            }
            try supersede(conn, old, request: request)
        }

        let id = ID.new()
        try RequestStore.insert(conn, NewRequest(
            id: id, type: c.body.type, chainCode: chain.code, subjectService: service, subjectID: c.body.subject.id,
            title: c.title, applicantJSON: JSONValue.text(of: c.applicant), applicantUserID: c.applicant.userId,
            scopePath: c.scope.path, provinceCode: c.scope.provinceCode, cityCode: c.scope.cityCode,
            specialty: c.specialty, institutionOrgID: c.body.institutionOrgID, attachments: c.attachments,
            detailsJSON: c.details.text, reason: reason, callbackPath: c.body.callbackPath, idempotencyKey: idempotencyKey))
        var resolve: PendingResolution?
        for (stage, path) in zip(chain.stages, stagePaths) {
            var status = StageStatus.waiting
            if stage.index == chain.stages[0].index {
                status = stage.rule == .any ? .pending : .resolving
                if stage.rule == .all {
                    resolve = PendingResolution(requestID: id, stageIndex: stage.index, scopePath: path,
                                                orgKind: stage.orgKind ?? "", specialty: c.specialty,
                                                specialtyMatch: stage.specialtyMatch)
                }
            }
            try StageStore.insert(conn, requestID: id, stage: stage, scopePath: path, status: status)
        }
        let first = chain.stages[0]
        if first.index != 1 { try RequestStore.setCurrentStage(conn, id: id, stage: first.index) }
        try EventStore.append(conn, requestID: id, NewEvent(kind: "created", actorID: c.applicant.userId,
                                                            actorName: c.applicant.name, orgName: c.applicant.orgName,
                                                            note: reason))
        if first.rule == .any {
            try EventStore.append(conn, requestID: id, NewEvent(kind: "stage_opened", stageIndex: first.index))
        }
        try AuditTrail.record(conn, actor: c.applicant.userId ?? "service:\(service)", action: "approval.request.open",
                              requestID: id, old: nil,
                              new: .init(status: RequestStatus.pending.rawValue, stage: first.index,
                                         stageStatus: (first.rule == .any ? StageStatus.pending : .resolving).rawValue),
                              request: request)
        guard let record = try RequestStore.find(conn, id: id) else { throw APIError.internalError }
        return Opened(record: record, created: true, resolve: resolve)
    }

    private static func chainFor(_ conn: PGConnection, _ body: CreateRequestBody) throws -> Chain {
        let chain: Chain
        if let code = body.chain {
            guard let c = try ChainStore.find(conn, code: code), c.active else {
                throw APIError.invalid("chain", "审批流程不存在", code: "unknown_chain")
            }
            chain = c
        } else {
            let candidates = try ChainStore.all(conn, includeInactive: false).filter { $0.requestType == body.type }
            guard candidates.count == 1 else {
                throw APIError.invalid("chain", "请指定审批流程", code: "chain_required")
            }
            chain = candidates[0]
        }
        guard chain.requestType == body.type else {
            throw APIError.invalid("chain", "审批流程与申请类型不符", code: "chain_type_mismatch")
        }
        guard !chain.stages.isEmpty else {
            throw APIError.invalid("chain", "审批流程没有审批环节", code: "chain_without_stages")
        }
        return chain
    }

    /// A new revision replaces a request nobody acted on.
    private static func supersede(_ conn: PGConnection, _ old: RequestRecord, request: Request) throws {
        try RequestStore.finish(conn, id: old.id, status: .withdrawn, opinion: nil, by: nil)
        try StageStore.close(conn, requestID: old.id, index: old.currentStage, status: .withdrawn)
        try EventStore.append(conn, requestID: old.id, NewEvent(kind: "superseded", stageIndex: old.currentStage))
        try AuditTrail.record(conn, actor: "service:\(old.subjectService)", action: "approval.request.supersede",
                              requestID: old.id, old: .init(status: old.status.rawValue, stage: old.currentStage),
                              new: .init(status: RequestStatus.withdrawn.rawValue, stage: old.currentStage), request: request)
    }
}

extension JSONValue {
    /// JSON text of any encodable value (for jsonb columns).
    static func text<T: Encodable>(of value: T) -> String {
        (try? JSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
