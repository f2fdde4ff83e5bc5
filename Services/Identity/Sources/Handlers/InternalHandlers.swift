import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Service-to-service endpoints (X-Internal-Token): the organisation directory for approval,
/// approval outcomes, form data for the generated PDFs.
struct InternalHandlers: Sendable {
    let app: IdentityApp

    /// GET /api/identity/v1/internal/organisations?kind=&under=&specialty=&name= (at most 500)
    func organisations(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let q = req.query
        let items = try OrganisationStore(app: app).list(kind: q["kind"], under: q["under"], specialty: q["specialty"],
                                                         name: q["name"])
        return .json(Page(items: items))
    }

    struct NameQuery: Codable, Sendable { let ids: [String] }
    struct OrganisationName: Codable, Sendable { let id: String; let name: String }
    /// At most this many ids per `organisationNames` call.
    static let maxNameIDs = 5000

    /// POST /api/identity/v1/internal/organisations/names {"ids":[…]}: the names of exactly these
    /// organisations (a statistics table names every institution it lists, however many).
    func organisationNames(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let body = try req.decode(NameQuery.self)
        guard body.ids.count <= Self.maxNameIDs else {
            throw APIError.invalid("ids", "一次最多查询\(Self.maxNameIDs)个机构", code: "too_many")
        }
        let items = try OrganisationStore(app: app).names(ids: body.ids).map { OrganisationName(id: $0.id, name: $0.name) }
        return .json(Page(items: items))
    }

    struct NewOrganisation: Codable, Sendable { let kind: String; let name: String; let regionCode: String?; let specialties: [String]? }

    /// POST /api/identity/v1/internal/organisations: operators' and tests' way to add centres.
    func createOrganisation(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let body = try req.decode(NewOrganisation.self)
        guard ["national_centre", "provincial_centre", "city_commission", "institution", "platform"].contains(body.kind) else {
            throw APIError.invalid("kind", "机构类型有误")
        }
        try Validate.text(body.name, field: "name", label: "机构名称", max: 60)
        let org = try app.db.transaction { conn in
            try OrganisationStore(app: app).create(conn, kind: body.kind,
                data: OrganisationData(name: body.name, specialties: body.specialties), regionCode: body.regionCode)
        }
        return .json(org, status: 201)
    }

    struct NewUser: Codable, Sendable {
        let orgId: String; let role: String; let displayName: String; let phone: String; let password: String; let specialty: String?
        let username: String?
    }

    /// POST /api/identity/v1/internal/users: operators create accounts of QC centres and city
    /// commissions directly. Never a platform operator, never a hospital role (those come only
    /// through registration and approval): the role must be the organisation's own kind, and a
    /// centre's grants carry its specialties (the one given, which the centre must cover, or
    /// one grant per specialty of the centre).
    func createUser(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let body = try req.decode(NewUser.self)
        guard let role = Role(rawValue: body.role) else { throw APIError.invalid("role", "角色有误") }
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        if let s = body.specialty, !Specialty.isValid(s) { throw APIError.invalid("specialty", "亚专业不存在") }
        let users = UserStore(app: app)
        let view = try app.db.transaction { conn -> UserView in
            guard let org = try OrganisationStore(app: app).get(conn, id: body.orgId) else { throw APIError.invalid("orgId", "机构不存在") }
            let specialties = try Self.operatorGrantSpecialties(role: role, org: org, specialty: body.specialty)
            let username = try body.username ?? users.newUsername(conn)
            try PasswordPolicy.check(body.password, username: username, phone: body.phone, field: "password")
            let id = try users.create(conn, username: username, phone: body.phone, email: nil, displayName: body.displayName,
                                      orgID: org.id, mainAccountID: nil, password: body.password, mustChangePassword: false)
            for specialty in specialties {
                try users.grant(conn, userID: id, role: role, orgID: org.id, scopePath: org.scopePath, specialty: specialty)
            }
            try Audit.record(conn, AuditEntry(actorID: nil, action: "user_created_by_operator", objectType: "user", objectID: id, request: req))
            return try users.view(conn, try users.get(conn, id: id)!, masked: false)
        }
        return .json(view, status: 201)
    }

    /// Which roles an operator may create at which kind of organisation, and the specialty of
    /// each grant. 422 `role_not_allowed` / `specialty_not_covered` otherwise.
    static func operatorGrantSpecialties(role: Role, org: Organisation, specialty: String?) throws -> [String?] {
        let refused = APIError.invalid("role", "该角色不能由运营直接创建（平台运营与医疗机构角色须经注册审核）", code: "role_not_allowed")
        switch (role, org.kind) {
        case (.nationalCentre, "national_centre"), (.cityCommission, "city_commission"):
            return [nil]
        case (.nationalSpecialtyCentre, "national_centre"), (.provincialCentre, "provincial_centre"):
            let covered = org.kind == "national_centre" && org.specialties.isEmpty ? Specialty.all.map(\.code) : org.specialties
            if let s = specialty {
                guard covered.contains(s) else {
                    throw APIError.invalid("specialty", "该中心不负责此亚专业", code: "specialty_not_covered")
                }
                return [s]
            }
            guard !covered.isEmpty else { throw APIError.invalid("specialty", "请指定亚专业", code: "missing_field") }
            return covered.map { Optional($0) }
        default:
            throw refused
        }
    }

    struct OutcomeAnswer: Codable, Sendable { let applied: Bool; let stale: Bool? }

    /// POST /api/identity/v1/internal/approval-outcomes: applies a final decision exactly once
    /// (the request id and the idempotency key are recorded in the same transaction), and only
    /// to the revision it decided: the request id must be the one approval answered when
    /// identity opened the application's current revision. An outcome of an older revision is
    /// acknowledged and ignored (200 `stale`); a request id the application never opened is
    /// refused (409 `unknown_request`); while the current revision's opening is not yet
    /// confirmed, 503 (the sender retries).
    func approvalOutcome(_ req: Request) throws -> Response {
        let body = try OutcomeCallback.read(app.context, req)
        let store = ApplicationStore(app: app)
        let answer = try app.db.transaction { conn -> OutcomeAnswer in
            if let key = try Outbox.deliveryKey(req), !(try Outbox.firstDelivery(conn, key: key)) { return OutcomeAnswer(applied: false, stale: nil) }
            let unknown = APIError.conflict("该审批请求不是本申请发起的", code: "unknown_request")
            guard let a = try store.get(conn, id: body.subjectId, lock: true) else { throw unknown }
            let openings = try store.openings(conn, applicationID: a.id)
            guard let opened = openings.first(where: { $0.requestID == body.requestId }) else {
                if openings.contains(where: { $0.awaiting }) {
                    throw APIError(503, "opening_unconfirmed", "审批请求尚未确认，请稍后重试")
                }
                throw unknown
            }
            guard opened.revision == a.revision, a.status == "pending" else {
                try Audit.record(conn, AuditEntry(actorID: nil, action: "approval_outcome_stale", objectType: "application", objectID: a.id,
                                                  newValue: Audit.json(["requestId": body.requestId, "outcome": body.outcome,
                                                                        "revision": String(opened.revision)]), request: req))
                return OutcomeAnswer(applied: false, stale: true)
            }
            guard try store.recordOutcome(conn, requestID: body.requestId, applicationID: a.id, outcome: body.outcome) else {
                return OutcomeAnswer(applied: false, stale: nil)
            }
            try RegistrationOutcome(app: app).apply(conn, applicationID: a.id, outcome: body.outcome,
                                                    opinion: body.opinion, requestID: body.requestId, request: req)
            return OutcomeAnswer(applied: true, stale: nil)
        }
        return .json(answer)
    }

    /// GET /api/identity/v1/internal/approval-outcomes/:requestId (how many times it was applied).
    func outcomeStatus(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        guard let o = try ApplicationStore(app: app).outcome(requestID: try req.parameter("requestId")) else { throw APIError.notFound }
        return .json(OutcomeStatus(requestId: try req.parameter("requestId"), outcome: o.outcome, appliedCount: o.applied))
    }

    struct OutcomeStatus: Codable, Sendable { let requestId: String; let outcome: String; let appliedCount: Int }

    struct FormData: Codable, Sendable {
        struct Field: Codable, Sendable { let label: String; let value: String }
        let applicationId: String
        let fields: [Field]
    }

    /// GET /api/identity/v1/internal/applications/:id/form-data: the labelled values printed
    /// on the generated forms (ID numbers masked). The phones of the people who sign the paper
    /// form (applicant, head, contact) are printed in full: a signed form needs the number of
    /// the person signing; lists elsewhere keep masking them.
    func formData(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let id = try req.parameter("id")
        guard let a = try ApplicationStore(app: app).get(id: id) else { throw APIError.notFound }
        let orgs = OrganisationStore(app: app)
        var f: [FormData.Field] = []
        func add(_ label: String, _ value: String?) { if let v = value, !v.isEmpty { f.append(.init(label: label, value: v)) } }
        add("申请编号", a.id)
        add("用户类型", a.role?.title)
        add("亚专业", a.specialties.compactMap(Specialty.name).joined(separator: "、"))
        if let rc = a.regionCode, let region = try orgs.region(rc) {
            add("所在地区", (region.fullName ?? region.name).replacingOccurrences(of: " ", with: ""))
        }
        if let orgID = a.orgID, let org = try orgs.get(id: orgID) {
            add("机构名称", org.name)
            add("执业许可证登记号", org.licenceNo)
        } else if let o = a.orgData {
            add("机构名称", o.name)
            add("执业许可证登记号", o.licenceNo)
            add("统一社会信用代码", o.creditCode)
            add("医院等级", o.level)
            add("机构类别", o.category)
            add("机构地址", o.address)
            add("法定代表人", o.legalRepresentative)
            add("负责人", o.headName)
            add("负责人电话", o.headPhone)
            add("联系人", o.contactName)
            add("联系人电话", o.contactPhone)
        }
        add("申请人", a.person?.name)
        add("申请人手机", a.phone)
        add("申请人邮箱", a.person?.email)
        add("职务/职称", a.person?.title)
        add("身份证号", a.person?.idNumber.map(ChineseFormats.maskResidentID))
        return .json(FormData(applicationId: a.id, fields: f))
    }
}
