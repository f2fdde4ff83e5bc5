import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// The registration wizard: 手机验证 → 资料下载 → 信息完善 → 信息审核.
struct ApplicationHandlers: Sendable {
    let app: IdentityApp
    var store: ApplicationStore { ApplicationStore(app: app) }

    struct ApplicationView: Codable, Sendable {
        var id: String
        var phoneMasked: String
        var role: String?
        var roleTitle: String?
        var program: String?
        var specialties: [String]
        var regionCode: String?
        var orgId: String?
        var orgName: String?
        var organisation: OrganisationData?
        var person: PersonData?
        var documentIds: [String]
        var status: String
        var revision: Int
        var opinion: String?
        var submittedAt: Date?
        var decidedAt: Date?
        var editable: Bool
        var progress: ApprovalProgress?
        var applicantToken: String?
    }

    func view(_ a: Application, withProgress: Bool, token: String? = nil) throws -> ApplicationView {
        var person = a.person
        if let id = person?.idNumber { person?.idNumber = ChineseFormats.maskResidentID(id) }
        let orgName = try a.orgID.flatMap { try OrganisationStore(app: app).get(id: $0)?.name } ?? a.orgData?.name
        var progress: ApprovalProgress?
        if withProgress && a.status != "draft" { progress = ApprovalClient(context: app.context).progress(applicationID: a.id) }
        let editable = a.status == "draft" || a.status == "rejected" || (a.status == "pending" && progress.map { !$0.acted } == true)
        return ApplicationView(id: a.id, phoneMasked: ChineseFormats.maskMobile(a.phone), role: a.role?.rawValue, roleTitle: a.role?.title,
                               program: a.program, specialties: a.specialties, regionCode: a.regionCode, orgId: a.orgID, orgName: orgName,
                               organisation: a.orgData, person: person, documentIds: a.documentIDs, status: a.status, revision: a.revision,
                               opinion: a.opinion, submittedAt: a.submittedAt, decidedAt: a.decidedAt, editable: editable,
                               progress: progress, applicantToken: token)
    }

    struct Verify: Codable, Sendable { let phone: String; let code: String; let create: Bool? }
    struct Verified: Codable, Sendable { let applications: [ApplicationView]; let created: ApplicationView? }

    /// POST /api/identity/v1/applications/verify: the SMS code of step 1 (purpose "register" or
    /// "status"). Answers the phone's applications, each with an applicant token, and a new
    /// draft when `create` is true.
    func verify(_ req: Request) throws -> Response {
        let body = try req.decode(Verify.self)
        guard ChineseFormats.isMobile(body.phone) else { throw APIError.invalid("phone", "请输入正确的11位手机号", code: "invalid_phone") }
        let purpose = body.create == true ? "register" : "status"
        try VerificationHandlers(app: app).verify(phone: body.phone, purpose: purpose, code: body.code)
        let issuer = TokenIssuer(app: app)
        let (existing, created) = try app.db.transaction { conn -> ([Application], Application?) in
            let list = try store.byPhone(conn, phone: body.phone)
            var draft: Application?
            if body.create == true {
                let id = try store.create(conn, phone: body.phone)
                draft = try store.get(conn, id: id)
                try Audit.record(conn, AuditEntry(actorID: nil, action: "application_created", objectType: "application", objectID: id, request: req))
            }
            return (list, draft)
        }
        let views = try existing.map { try view($0, withProgress: false, token: try issuer.applicant(applicationID: $0.id, phone: $0.phone)) }
        let createdView = try created.map { try view($0, withProgress: false, token: try issuer.applicant(applicationID: $0.id, phone: $0.phone)) }
        return .json(Verified(applications: views, created: createdView), status: created == nil ? 200 : 201)
    }

    private func own(_ req: Request) throws -> (ApplicantClaims, String) {
        let claims = try app.context.applicant(req)
        let id = try req.parameter("id")
        guard claims.sub == id else { throw APIError.notFound }
        return (claims, id)
    }

    /// GET /api/identity/v1/applications/:id (applicant token): status and where it waits.
    func get(_ req: Request) throws -> Response {
        let (_, id) = try own(req)
        guard let a = try store.get(id: id) else { throw APIError.notFound }
        return .json(try view(a, withProgress: true))
    }

    struct Update: Codable, Sendable {
        var role: String?
        var program: String?
        var specialties: [String]?
        var regionCode: String?
        var orgId: String?
        var organisation: OrganisationData?
        var person: PersonData?
        var documentIds: [String]?
    }

    /// PUT /api/identity/v1/applications/:id: saves the draft. A pending application that no
    /// approver has touched yet goes back to draft (its approval request is withdrawn); a
    /// rejected one goes back to draft to be corrected and submitted again.
    func update(_ req: Request) throws -> Response {
        let (_, id) = try own(req)
        let body = try req.decode(Update.self)
        let orgs = OrganisationStore(app: app)
        if let r = body.role {
            guard let role = Role(rawValue: r), RegistrationRules.applicable.contains(role) else {
                throw APIError.invalid("role", "不支持的用户类型")
            }
        }
        if let p = body.program, !p.isEmpty, !RegistrationRules.isProgram(p) {
            throw APIError.invalid("program", "不支持的填报项目", code: "invalid_program")
        }
        if let specs = body.specialties {
            guard specs.allSatisfy(Specialty.isValid), Set(specs).count == specs.count, specs.count <= Specialty.all.count else {
                throw APIError.invalid("specialties", "亚专业选择有误")
            }
        }
        if let rc = body.regionCode, !rc.isEmpty, try !ChineseFormats.isRegionCode(rc) || orgs.region(rc) == nil {
            throw APIError.invalid("regionCode", "所在地区不存在", code: "invalid_region")
        }
        if let o = body.orgId, try orgs.get(id: o) == nil { throw APIError.invalid("orgId", "所选机构不存在") }
        if let p = body.person {
            try Validate.name(p.name, field: "person.name")
            if let e = p.email, !e.isEmpty, !ChineseFormats.isEmail(e) { throw APIError.invalid("person.email", "请输入正确的电子邮箱", code: "invalid_email") }
            if let n = p.idNumber, !n.isEmpty, !ChineseFormats.isResidentID(n) {
                throw APIError.invalid("person.idNumber", "身份证号码格式或校验位错误", code: "invalid_id_number")
            }
        }
        if let o = body.organisation {
            try Validate.text(o.name, field: "organisation.name", label: "机构名称", max: 60)
            if let l = o.licenceNo, !l.isEmpty, !ChineseFormats.isLicenceNumber(l) {
                throw APIError.invalid("organisation.licenceNo", "执业许可证登记号应为22位字母或数字", code: "invalid_licence")
            }
        }
        if let docs = body.documentIds, docs.count > 20 || !docs.allSatisfy(ID.isValid) {
            throw APIError.invalid("documentIds", "材料编号有误")
        }
        let acted = { ApprovalClient(context: app.context).hasActed(applicationID: id) }
        let updated = try app.db.transaction { conn -> Application in
            guard var a = try store.get(conn, id: id, lock: true) else { throw APIError.notFound }
            let old = a
            if a.status == "pending" {
                guard !acted() else { throw APIError.conflict("审核已开始，申请不能再修改", code: "review_started") }
                a.status = "draft"
                try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests/by-subject/withdraw",
                                   body: ["service": "identity", "id": a.id, "creationKey": "registration:\(a.id):\(a.revision)"],
                                   key: "withdraw:\(a.id):\(a.revision)")
            } else if a.status == "rejected" {
                // A rejected application is corrected and submitted again (a new revision, a
                // new approval request); its data and documents stay, the opinion until then.
                a.status = "draft"
            } else if a.status != "draft" {
                throw APIError.conflict("申请已审核完毕，不能修改", code: "application_closed")
            }
            if let r = body.role { a.role = Role(rawValue: r) }
            if let p = body.program { a.program = p.isEmpty ? nil : p }
            if let s = body.specialties { a.specialties = s }
            if let r = body.regionCode { a.regionCode = r }
            if body.orgId != nil || body.organisation != nil {
                a.orgID = body.orgId
                a.orgData = body.orgId == nil ? body.organisation : nil
            }
            if var p = body.person {
                if p.idNumber?.isEmpty == true { p.idNumber = nil }
                if p.email?.isEmpty == true { p.email = nil }
                a.person = p
            }
            if let d = body.documentIds { a.documentIDs = d }
            if let max = RegistrationRules.maxFiles(program: a.program), a.documentIDs.count > max {
                throw APIError.invalid("documentIds", "全国医疗质量数据抽样调查最多只允许上传三份文件（含执业许可证扫描件）", code: "too_many_documents")
            }
            try store.save(conn, a)
            try Audit.record(conn, AuditEntry(actorID: nil, action: "application_updated", objectType: "application", objectID: a.id,
                                              oldValue: Audit.json(["status": old.status]), newValue: Audit.json(["status": a.status]), request: req))
            return a
        }
        return .json(try view(updated, withProgress: false))
    }

    /// POST /api/identity/v1/applications/:id/submit: complete → pending; the approval request
    /// and the sealing of its documents go out through the outbox in the same transaction.
    func submit(_ req: Request) throws -> Response {
        let (_, id) = try own(req)
        let orgs = OrganisationStore(app: app)
        // The materials, checked at documents before the transaction (no HTTP call under the
        // row lock); the transaction then insists on the same list of documents.
        var checkedDocuments: [String]?
        if app.config.checkRegistrationDocuments, let draft = try store.get(id: id), draft.status == "draft", let role = draft.role {
            let required = RegistrationRules.requiredKinds(role, program: draft.program, newOrganisation: draft.orgID == nil)
            let listed: [RegistrationRules.Listed]
            do {
                listed = try RegistrationDocumentsClient(context: app.context).onApplication(id, authorization: req.headers["authorization"] ?? "")
            } catch {
                app.context.logger.warning("documents unreachable at submit", ["application": id, "error": String(describing: error)])
                throw APIError(503, "documents_unavailable", "材料服务暂时不可用，请稍后再提交")
            }
            if !draft.documentIDs.isEmpty {
                try RegistrationRules.checkDocuments(ids: draft.documentIDs, onApplication: listed, required: required)
                try RegistrationRules.checkMaterialLimits(program: draft.program, ids: draft.documentIDs, onApplication: listed)
            }
            checkedDocuments = draft.documentIDs
        }
        let submitted = try app.db.transaction { conn -> Application in
            guard var a = try store.get(conn, id: id, lock: true) else { throw APIError.notFound }
            guard a.status == "draft" else { throw APIError.conflict("申请已提交，请勿重复提交", code: "already_submitted") }
            if let checked = checkedDocuments, checked != a.documentIDs {
                throw APIError.conflict("申请材料刚刚有变动，请重新提交", code: "documents_changed")
            }
            let org = try a.orgID.flatMap { try orgs.get(conn, id: $0) }
            let regionRow = try a.regionCode.flatMap { try orgs.region(conn, $0) }
            try RegistrationRules.validateForSubmit(a, org: org, region: regionRow)
            guard let role = a.role, let region = a.regionCode else { throw APIError.badRequest() }
            // An institution that another applicant registered meanwhile: join it instead.
            if role == .institutionAdmin, a.orgID == nil, let name = a.orgData?.name,
               let existing = try orgs.institution(conn, region: region, name: name) {
                a.orgID = existing.id
            }
            let org2 = try a.orgID.flatMap { try orgs.get(conn, id: $0) }
            a.status = "pending"
            a.revision += 1
            a.submittedAt = Date()
            a.opinion = nil
            try store.save(conn, a)
            let (province, city) = OrganisationStore.approvalCodes(regionCode: region, level: regionRow?.level)
            let regionPath = try orgs.regionPath(region) ?? "86/\(province)"
            let scopePath = org2?.path ?? regionPath
            let orgName = org2?.name ?? a.orgData?.name ?? ""
            let request = ApprovalRequestBody(
                type: "registration", chain: RegistrationRules.chain(role, program: a.program),
                subject: .init(service: "identity", id: a.id),
                title: "\(orgName) \(role.title)注册申请",
                applicant: .init(name: a.person?.name ?? "", phoneMasked: ChineseFormats.maskMobile(a.phone), orgName: orgName),
                scopePath: scopePath, provinceCode: province, cityCode: city,
                specialty: a.specialties.count == 1 ? a.specialties[0] : nil, institutionOrgID: org2?.kind == "institution" ? org2?.id : nil,
                attachments: a.documentIDs,
                details: ["role": role.title, "specialties": a.specialties.compactMap(Specialty.name).joined(separator: "、"),
                          "region": regionRow?.fullName ?? region, "organisation": orgName, "applicant": a.person?.name ?? "",
                          "licenceNo": a.orgData?.licenceNo ?? "", "level": a.orgData?.level ?? "", "category": a.orgData?.category ?? ""],
                callbackPath: "/api/identity/v1/internal/approval-outcomes")
            try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests", body: request,
                               key: "registration:\(a.id):\(a.revision)")
            try Outbox.enqueue(conn, target: .documents, path: "/api/documents/v1/internal/seal",
                               body: ["object": "registration:\(a.id)"], key: "seal:\(a.id):\(a.revision)")
            try Audit.record(conn, AuditEntry(actorID: nil, action: "application_submitted", objectType: "application", objectID: a.id,
                                              newValue: Audit.json(["revision": a.revision]), request: req))
            return a
        }
        app.context.logger.info("application submitted", ["application": submitted.id])
        return .json(try view(submitted, withProgress: false))
    }

    /// POST /api/identity/v1/applications/:id/credentials: sends the account again to the
    /// verified phone (NCCQI 点此获取账户密码): a new initial password while the first login
    /// has not happened, else the username only. Never shown on screen; 3 per hour.
    func resendCredentials(_ req: Request) throws -> Response {
        let (_, id) = try own(req)
        guard let a = try store.get(id: id), a.status == "approved", let userID = a.userID else {
            throw APIError.conflict("申请尚未通过审核", code: "not_approved")
        }
        let users = UserStore(app: app)
        guard let user = try users.get(id: userID) else { throw APIError.notFound }
        if try UserStore(app: app).recentActions(userID: user.id, action: "credentials_resent", seconds: 3600) >= app.config.credentialResendsPerHour {
            throw APIError.tooManyRequests(retryAfter: 3600, message: "发送次数过多，请1小时后再试")
        }
        try app.db.transaction { conn in
            if user.mustChangePassword {
                let password = PasswordPolicy.generate()
                try users.setPassword(conn, userID: user.id, password: password, mustChange: true)
                try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                    body: "【质控平台】您的账号用户名：\(user.username)，初始密码：\(password)，首次登录须修改密码。")
            } else {
                try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                    body: "【质控平台】您的账号用户名：\(user.username)。如忘记密码，请在登录页使用“忘记密码”。")
            }
            try Audit.record(conn, AuditEntry(actorID: nil, action: "credentials_resent", objectType: "user", objectID: user.id, request: req))
        }
        return .json(["message": "账号信息已发送至您的手机，请查收短信"])
    }
}

/// The body of `POST /api/approval/v1/internal/requests` (docs/contracts.md).
struct ApprovalRequestBody: Codable, Sendable {
    struct Subject: Codable, Sendable { let service: String; let id: String }
    struct Applicant: Codable, Sendable { let name: String; let phoneMasked: String; let orgName: String }
    let type: String
    let chain: String
    let subject: Subject
    let title: String
    let applicant: Applicant
    let scopePath: String
    let provinceCode: String
    let cityCode: String?
    let specialty: String?
    let institutionOrgID: String?
    let attachments: [String]
    let details: [String: String]
    let callbackPath: String
}
