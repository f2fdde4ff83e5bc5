import Foundation
import KitClient
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// The body reporting sends to approval for an enrolment (through the outbox).
struct EnrolmentApprovalBody: Encodable, Sendable {
    var type = "program_enrolment"
    var chain: String
    var subject: ApprovalRequestBody.Subject
    var title: String
    var applicant: ApprovalRequestBody.Applicant
    var scopePath: String
    var provinceCode: String?
    var cityCode: String?
    var specialty: String?
    var institutionOrgID: String
    /// The institution's verified registration documents (identity), reused: nothing is uploaded again.
    var attachments: [String]
    var details: [String: String]
    var callbackPath: String
}

/// identity's `GET /internal/organisations/:id/registration`.
struct VerifiedRegistration: Decodable, Sendable {
    var applicationId: String
    var documentIds: [String]
}

/// An institution's state in a program (the programs page).
struct EnrolmentStateView: Encodable, Sendable {
    /// `active`, `pending` (待审核), `rejected` (已退回, with the opinion) or `withdrawn`.
    var status: String
    var opinion: String?
    var requestedAt: Date?
    var decidedAt: Date?
    /// The approval request's subject (`enrol:<id>`, service `reporting`).
    var subject: String?
}

struct ParticipantView: Encodable, Sendable {
    var orgId: String
    var orgName: String?
    var scopePath: String
    var status: String
    var since: Date
    var opinion: String?
}

struct ParticipantsView: Encodable, Sendable {
    var program: String
    var items: [ParticipantView]
    var truncated: Bool
}

/// Enrolment in a program, at once or — for a program with an enrolment chain (NCCQI PCI) —
/// after the program's own approval: the request goes to approval through the outbox in the
/// transaction that records it, the institution takes part when the approved outcome arrives
/// (confirmed with approval the first time, like review outcomes). The institution's
/// registration was already verified: nothing is uploaded again; approval shows its name.
enum Enrolments {
    static let callbackPath = "/api/reporting/v1/internal/enrolment-outcomes"
    static let participantsMax = 1000

    static func enrol(_ context: ServiceContext, caller: Caller, code: String, request: Request) throws -> EnrolmentView {
        let inst = try caller.requireInstitution()
        try caller.requireProgram(code)
        guard inst.role == .institutionAdmin else {
            throw APIError(403, "forbidden", "只有医疗机构管理员可以为本机构报名")
        }
        // before the transaction (no network call inside it); best effort
        let orgName = OrganisationNames.name(context, orgID: inst.orgID)
        let needsApproval = try context.database.withConnection { conn in
            try Entry.program(conn, code: code).enrolmentChain != nil
        }
        let registration = needsApproval ? verifiedRegistration(context, orgID: inst.orgID) : nil
        return try context.database.transaction { conn in
            let p = try Entry.program(conn, code: code)
            guard p.entered(by: inst.role) else { throw APIError(403, "forbidden", "本机构的角色不参加该项目") }
            func view(_ status: String, created: Bool, _ r: EnrolmentRequestRecord? = nil) -> EnrolmentView {
                EnrolmentView(program: p.code, orgId: inst.orgID, enrolled: status == "active", created: created,
                              status: status, opinion: r?.opinion, requestedAt: r?.requestedAt, subject: r?.subjectID)
            }
            guard let chain = p.enrolmentChain else {
                let created = try EnrolmentStore.enrol(conn, programID: p.id, orgID: inst.orgID,
                                                   scopePath: inst.scopePath, orgName: orgName, by: caller.id)
                if created {
                    try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "enrolment.create",
                                                      objectType: "program", objectID: p.code,
                                                      newValue: Audit.json(["orgId": inst.orgID]), request: request))
                }
                return view("active", created: created)
            }
            if try EnrolmentStore.isEnrolled(conn, programID: p.id, orgID: inst.orgID) { return view("active", created: false) }
            guard let opened = try EnrolmentRequestStore.open(conn, programID: p.id, orgID: inst.orgID, scopePath: inst.scopePath,
                                                              orgName: orgName, by: caller.id, byName: caller.name) else {
                // already pending: the same answer again, nothing new
                return view("pending", created: false, try EnrolmentRequestStore.latest(conn, programID: p.id, orgID: inst.orgID))
            }
            let segments = inst.scopePath.split(separator: "/").map(String.init)
            let name = orgName ?? "医疗机构"
            var details: [String: String] = [
                "医疗机构": name, "报名项目": p.name, "项目代码": p.code, "机构编号": inst.orgID,
                "申请人": caller.name,
                "注册材料": registration.map { "已在机构注册时审核通过（复用，不再重新上传）：附件\($0.documentIds.count)份" }
                    ?? "已在机构注册时审核通过（复用，不再重新上传）",
            ]
            if let registration { details[ApprovalDetails.registrationApplication] = registration.applicationId }
            if opened.seq > 1 { details["申请次数"] = "第\(opened.seq)次申请" }
            let body = EnrolmentApprovalBody(
                chain: chain, subject: .init(service: "reporting", id: opened.subjectID),
                title: String("\(name) 申请参加 \(p.name)".prefix(100)),
                applicant: .init(name: caller.name, orgName: orgName, userId: caller.id, orgId: inst.orgID),
                scopePath: inst.scopePath, provinceCode: segments.count > 1 ? segments[1] : nil,
                cityCode: segments.count > 2 ? segments[2] : nil, specialty: p.specialty, institutionOrgID: inst.orgID,
                attachments: Array((registration?.documentIds ?? []).prefix(20)), details: details, callbackPath: callbackPath)
            try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests", body: body,
                               key: "reporting:\(opened.subjectID)")
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: inst.orgID, action: "enrolment.request",
                                              objectType: "program", objectID: p.code,
                                              newValue: Audit.json(["orgId": inst.orgID, "subject": opened.subjectID]),
                                              request: request))
            return view("pending", created: true, opened)
        }
    }

    /// The institution's approved registration from identity (nil when unknown or unreachable:
    /// the request then says the documents were verified without listing them).
    static func verifiedRegistration(_ context: ServiceContext, orgID: String) -> VerifiedRegistration? {
        guard ID.isValid(orgID) else { return nil }
        let url = "\(context.settings.identityURL)/api/identity/v1/internal/organisations/\(orgID)/registration"
        return try? context.http.getJSON(url, headers: context.internalHeaders, as: VerifiedRegistration.self)
    }

    /// 409 for an institution that may not enter the program's data (yet): pending approval,
    /// refused, or not enrolled at all.
    static func notEnrolled(_ conn: PGConnection, programID: String, orgID: String) throws -> APIError {
        switch try EnrolmentRequestStore.latest(conn, programID: programID, orgID: orgID)?.status {
        case "pending": return APIError.conflict("本机构参加该项目的申请正在审核中（待审核），审核通过后才能填报", code: "enrolment_pending")
        case "rejected": return APIError.conflict("本机构参加该项目的申请未通过审核，可在“项目报名”中查看意见并重新申请", code: "enrolment_rejected")
        default: return APIError.conflict("本机构尚未参加该填报项目，请先报名", code: "not_enrolled")
        }
    }

    /// The caller's institution's state per program id (the programs page): active enrolments
    /// first, then its latest request.
    static func states(_ conn: PGConnection, orgID: String, enrolled: [String: Bool]) throws -> [String: EnrolmentStateView] {
        var out: [String: EnrolmentStateView] = [:]
        for (programID, r) in try EnrolmentRequestStore.latestByProgram(conn, orgID: orgID) {
            out[programID] = EnrolmentStateView(status: r.status, opinion: r.opinion, requestedAt: r.requestedAt, decidedAt: r.decidedAt,
                                                 subject: r.subjectID)
        }
        for (programID, active) in enrolled where active {
            let r = out[programID]
            out[programID] = EnrolmentStateView(status: "active", opinion: nil, requestedAt: r?.requestedAt, decidedAt: r?.decidedAt,
                                                 subject: r?.subject)
        }
        return out
    }

    /// `GET /programs/:code/enrolments`: the participants a centre (reader of the program,
    /// under its scope path, of its specialty) may see; an institution sees its own row.
    static func participants(_ context: ServiceContext, caller: Caller, code: String, status: String?) throws -> ParticipantsView {
        try caller.requireProgram(code)
        if let status, !["active", "pending", "rejected"].contains(status) {
            throw APIError.invalid("status", "状态只能是 active、pending 或 rejected", code: "invalid_status")
        }
        let rows = try context.database.withConnection { conn -> [ParticipantRow] in
            let p = try Entry.program(conn, code: code)
            let reads = try EnrolmentRequestStore.reads(conn, caller: caller, programID: p.id)
            guard caller.institution != nil || reads else {
                throw APIError(403, "forbidden", "您无权查看该项目的参加机构")
            }
            return try EnrolmentRequestStore.participants(conn, caller: caller, programID: p.id, status: status,
                                                          limit: participantsMax)
        }
        let shown = Array(rows.prefix(participantsMax))
        // Rows enrolled at once before migration 012 carry no name: identity's directory has it.
        let names = OrganisationNames.of(context, ids: shown.filter { $0.orgName == nil }.map(\.orgID))
        return ParticipantsView(program: code, items: shown.map {
            ParticipantView(orgId: $0.orgID, orgName: $0.orgName ?? names[$0.orgID], scopePath: $0.scopePath, status: $0.status,
                            since: $0.since, opinion: $0.opinion)
        }, truncated: rows.count > participantsMax)
    }

    // MARK: outcomes

    /// Applies approval's final decision on an enrolment request once. The request id must be
    /// the one approval opened for that subject (confirmed with approval the first time, then
    /// bound); any other is refused (409 `unknown_request`).
    static func applyOutcome(_ context: ServiceContext, body: OutcomeCallback, idempotencyKey: String?,
                             request: Request) throws -> OutcomeAnswer {
        let unknown = APIError.conflict("该审批请求不是本报名发起的", code: "unknown_request")
        return try ApprovalOutcome.apply(context, body: body, idempotencyKey: idempotencyKey, unknown: unknown,
                                         find: { try EnrolmentRequestStore.bySubject($0, subjectID: $1, lock: $2) },
                                         bind: { try EnrolmentRequestStore.bindRequest($0, id: $1, requestID: $2) }) { conn, r -> OutcomeAnswer in
            guard r.status == "pending" else { return OutcomeAnswer(applied: false, stale: true) }
            let opinion = body.opinion.flatMap { $0.isEmpty ? nil : $0 }
            let status: String
            switch body.outcome {
            case "approved": status = "active"
            case "withdrawn": status = "withdrawn"
            default: status = "rejected"
            }
            try EnrolmentRequestStore.decide(conn, id: r.id, status: status, opinion: opinion, by: body.decidedBy)
            if status == "active" { try EnrolmentRequestStore.activate(conn, r) }
            let program = try DefinitionStore.program(conn, id: r.programID)?.code
            try Audit.record(conn, AuditEntry(actorID: "service:approval", actorOrg: r.orgID, action: "enrolment.outcome",
                                              objectType: "program", objectID: program ?? r.programID,
                                              oldValue: Audit.json(["status": r.status]),
                                              newValue: Audit.json(["status": status, "orgId": r.orgID, "requestId": body.requestId,
                                                                    "opinion": opinion ?? ""]),
                                              request: request))
            return OutcomeAnswer(applied: true, stale: nil)
        }
    }
}
