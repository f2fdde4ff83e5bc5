import Foundation
import KitClient
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Stroke registry individual users (docs/registration.md, "脑卒中登记个人用户"):
/// 用户注册 (an account at once, without any grant), 个人身份认证 (licence photo and
/// registration number, approved by the unit's administrator), and persons the unit's
/// administrator lists, who then use 账号激活 (`AccountImportHandlers.activate`).
struct StrokeUserHandlers: Sendable {
    let app: IdentityApp
    var store: StrokeUserStore { StrokeUserStore(app: app) }
    static let codePurpose = "stroke_register"

    /// GET /api/identity/v1/stroke-units?region=330100[&q=]: the stroke units of a region
    /// (its cities and counties included), at most 50.
    func units(_ req: Request) throws -> Response {
        guard let region = req.query["region"], ChineseFormats.isRegionCode(region) else {
            throw APIError.invalid("region", "请选择行政区划", code: "invalid_region")
        }
        let q = String((req.query["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(50))
        guard let path = try OrganisationStore(app: app).regionPath(region) else {
            throw APIError.invalid("region", "行政区划不存在", code: "invalid_region")
        }
        return .json(Page(items: try store.search(regionPath: path, q: q, limit: 50)))
    }

    /// POST /api/identity/v1/stroke-users/sms-code {phone, captchaId, captchaAnswer}: the image
    /// captcha, then a registration code (valid 60 s, 5 per phone per 10 minutes, per address).
    func sendCode(_ req: Request) throws -> Response {
        let body = try req.decode(StrokeUsers.CodeRequest.self)
        try StrokeUsers.checkPhone(body.phone)
        guard try VerificationStore(app: app).consumeCaptcha(id: body.captchaId, answer: body.captchaAnswer) else {
            throw APIError.invalid("captchaAnswer", "图形验证码错误或已过期，请刷新后重试", code: "captcha_invalid")
        }
        try VerificationHandlers(app: app).sendCode(phone: body.phone, purpose: Self.codePurpose, ip: req.clientAddress, limitByAddress: true)
        return .json(VerificationHandlers.CodeSent(phoneMasked: ChineseFormats.maskMobile(body.phone), expiresIn: app.config.smsCodeTTL,
                                                   resendAfter: app.config.smsCodeTTL), status: 201)
    }

    struct Registered: Codable, Sendable { let userId: String; let username: String; let orgName: String; let certification: String }

    /// POST /api/identity/v1/stroke-users: 用户注册. The account is active at once (the phone is
    /// proved by the code) and has no grant: only its own profile and certification.
    func register(_ req: Request) throws -> Response {
        let body = try req.decode(StrokeUsers.Registration.self)
        try StrokeUsers.check(body)
        // The unit before the code is spent: a wrong choice does not cost a code.
        guard try app.db.withConnection({ try store.unit($0, id: body.orgId) }) != nil else {
            throw APIError.invalid("orgId", "所选单位不是已注册的脑卒中登记单位", code: "invalid_unit")
        }
        try VerificationHandlers(app: app).verify(phone: body.phone, purpose: Self.codePurpose, code: body.code)
        let imports = AccountImportStore(app: app)
        let done = try app.db.transaction { conn -> Registered in
            try store.lockPhone(conn, body.phone)
            try imports.lockName(conn, body.username)
            guard let unit = try store.unit(conn, id: body.orgId) else {
                throw APIError.invalid("orgId", "所选单位不是已注册的脑卒中登记单位", code: "invalid_unit")
            }
            guard try !imports.nameTaken(conn, body.username, except: nil) else {
                throw APIError.conflict("该用户名已被使用，请换一个", code: "username_taken")
            }
            guard try !store.phoneTaken(conn, body.phone) else {
                throw APIError.conflict("该手机号已注册账号，请直接登录或使用账号查询", code: "phone_taken")
            }
            let userID = try UserStore(app: app).create(conn, username: body.username, phone: body.phone, email: nil,
                                                        displayName: body.name.trimmingCharacters(in: .whitespaces), orgID: unit.id,
                                                        mainAccountID: nil, password: body.password, phoneVerified: true,
                                                        mustChangePassword: false)
            try store.insert(conn, userID: userID, orgID: unit.id, source: "registered", idNumber: body.idNumber.uppercased(), listedBy: nil)
            try Audit.record(conn, AuditEntry(actorID: userID, actorOrg: unit.id, action: "stroke_user_registered", objectType: "user",
                                              objectID: userID, newValue: Audit.json(["username": body.username, "unit": unit.id]), request: req))
            return Registered(userId: userID, username: body.username, orgName: unit.name, certification: "uncertified")
        }
        return .json(done, status: 201)
    }

    struct Mine: Codable, Sendable {
        let userId: String; let displayName: String; let idNumberMasked: String?
        let orgId: String; let orgName: String
        /// uncertified | pending | rejected | certified
        let status: String
        let certified: Bool
        let documentObject: String
        let certifications: [StrokeCertificationView]
    }

    /// The caller as a stroke registry user (403 for other accounts).
    private func member(_ req: Request) throws -> (User, StrokeUserStore.Member) {
        let (_, user) = try AccountHandlers(app: app).currentUser(req)
        guard let m = try app.db.withConnection({ try store.member($0, userID: user.id) }) else {
            throw APIError(403, "not_stroke_user", "当前账号不是脑卒中登记个人用户，无需个人身份认证")
        }
        return (user, m)
    }

    private func mine(_ conn: PGConnection, _ user: User, _ m: StrokeUserStore.Member) throws -> Mine {
        let certs = try store.certifications(conn, userID: user.id)
        let certified = try store.isCertified(conn, userID: user.id, orgID: m.orgID)
        // A withdrawn request, or an approval whose grant was removed since, leaves the user uncertified.
        let last = certs.first?.status ?? ""
        let status = certified ? "certified" : (["pending", "rejected"].contains(last) ? last : "uncertified")
        let orgName = try OrganisationStore(app: app).get(conn, id: m.orgID)?.name ?? ""
        return Mine(userId: user.id, displayName: user.displayName, idNumberMasked: m.idNumber.map(ChineseFormats.maskResidentID),
                    orgId: m.orgID, orgName: orgName, status: status, certified: certified,
                    documentObject: StrokeUsers.object(user.id), certifications: certs)
    }

    /// GET /api/identity/v1/stroke-users/me: the caller's unit and certification status.
    func me(_ req: Request) throws -> Response {
        let (user, m) = try member(req)
        return .json(try app.db.withConnection { try mine($0, user, m) })
    }

    /// POST /api/identity/v1/stroke-users/me/certification {registrationNo, documentId}:
    /// 个人身份认证. The licence photo must be a `licence_photo` document in the caller's own
    /// folder `certification:<user id>` at documents (asked with the caller's token before the
    /// transaction). Opens an approval request: the unit's administrator approves, or, when the
    /// unit has none, the province's QC centre (approval migration 009).
    func certify(_ req: Request) throws -> Response {
        let (user, m) = try member(req)
        let body = try req.decode(StrokeUsers.Certification.self)
        guard let number = StrokeUsers.registrationNumber(body.registrationNo) else {
            throw APIError.invalid("registrationNo", "登记号格式不正确，应与《医疗机构执业许可证》上的22位登记号一致", code: "invalid_registration_no")
        }
        guard ID.isValid(body.documentId) else {
            throw APIError.invalid("upload:licence_photo", "请上传医疗机构执业许可证照片", code: "missing_document")
        }
        let listed: [RegistrationDocumentsClient.Listed.Item]
        do {
            listed = try CertificationDocumentsClient(context: app.context).inFolder(user.id, authorization: req.headers["authorization"] ?? "")
        } catch {
            app.context.logger.warning("documents unreachable at certification", ["user": user.id, "error": String(describing: error)])
            throw APIError(503, "documents_unavailable", "材料服务暂时不可用，请稍后再提交")
        }
        guard listed.contains(where: { $0.id.lowercased() == body.documentId.lowercased() && $0.kind == StrokeUsers.documentKind }) else {
            throw APIError.invalid("upload:licence_photo", "请上传医疗机构执业许可证照片", code: "missing_document")
        }
        let id = ID.new()
        let out = try app.db.transaction { conn -> Mine in
            if try store.isCertified(conn, userID: user.id, orgID: m.orgID) {
                throw APIError.conflict("您的账号已通过认证，无需再次认证", code: "already_certified")
            }
            guard let org = try OrganisationStore(app: app).get(conn, id: m.orgID) else { throw APIError.notFound }
            let chain = try store.hasActiveAdmin(conn, orgID: org.id) ? StrokeUsers.unitChain : StrokeUsers.provinceChain
            try store.insertCertification(conn, id: id, userID: user.id, orgID: org.id, registrationNo: number,
                                          documentID: body.documentId.lowercased(), chain: chain)
            let (province, city) = try OrganisationStore(app: app).approvalCodes(conn, regionCode: org.regionCode ?? "")
            let request = ApprovalRequestBody(
                type: StrokeUsers.requestType, chain: chain, subject: .init(service: "identity", id: user.id),
                title: "\(org.name) \(user.displayName) 个人身份认证",
                applicant: .init(name: user.displayName, phoneMasked: ChineseFormats.maskMobile(user.phone), orgName: org.name),
                scopePath: org.path, provinceCode: province, cityCode: city, specialty: nil, institutionOrgID: org.id,
                attachments: [body.documentId.lowercased()],
                details: ["applicant": user.displayName, "organisation": org.name, "licenceNo": number,
                          "身份证号码": m.idNumber.map(ChineseFormats.maskResidentID) ?? "", "填报项目": "脑卒中登记（个人身份认证）"],
                callbackPath: "/api/identity/v1/internal/stroke-certification-outcomes")
            try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests", body: request, key: "stroke_certification:\(id)")
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: org.id, action: "stroke_certification_submitted", objectType: "user",
                                              objectID: user.id, newValue: Audit.json(["certification": id, "registrationNo": number]), request: req))
            return try mine(conn, user, m)
        }
        return .json(out, status: 201)
    }

    /// The caller as the administrator (main account) of a stroke unit.
    private func unitAdmin(_ req: Request) throws -> (User, Organisation) {
        let (user, grant) = try AccountHandlers(app: app).institutionAdmin(req, message: "只有医院管理员可以管理本单位的脑卒中登记用户")
        guard let org = try app.db.withConnection({ try store.unit($0, id: grant.orgID) }) else {
            throw APIError(403, "forbidden", "本单位不是脑卒中登记单位")
        }
        return (user, org)
    }

    /// GET /api/identity/v1/stroke-users: the unit's individual users and listed persons.
    func list(_ req: Request) throws -> Response {
        let (_, org) = try unitAdmin(req)
        return .json(Page(items: try app.db.withConnection { try store.members($0, orgID: org.id) }))
    }

    struct ListedAnswer: Codable, Sendable { let userId: String; let displayName: String; let phoneMasked: String; let accountStatus: String }

    /// POST /api/identity/v1/stroke-users/listed {name, phone}: the unit's administrator lists a
    /// person; an account waiting for 账号激活 with the unit's stroke data-entry grant. The
    /// person is told by SMS to activate (phone + code, then username and password).
    func addListed(_ req: Request) throws -> Response {
        let (admin, org) = try unitAdmin(req)
        let body = try req.decode(StrokeUsers.Listing.self)
        try StrokeUsers.check(body)
        let answer = try app.db.transaction { conn -> ListedAnswer in
            try store.lockPhone(conn, body.phone)
            guard try !store.phoneTaken(conn, body.phone) else {
                throw APIError.conflict("该手机号已有账号", code: "phone_taken")
            }
            let userID = try store.createListed(conn, org: org, listing: body, by: admin.id)
            try MessageStore.enqueue(conn, channel: "sms", to: body.phone,
                body: "【质控平台】\(org.name)已为您开通脑卒中登记账号。请在平台登录页点击“账号激活”，用本手机号接收验证码并设置用户名和密码。")
            try Audit.record(conn, AuditEntry(actorID: admin.id, actorOrg: org.id, action: "stroke_user_listed", objectType: "user",
                                              objectID: userID, newValue: Audit.json(["name": body.name]), request: req))
            return ListedAnswer(userId: userID, displayName: body.name, phoneMasked: ChineseFormats.maskMobile(body.phone),
                                accountStatus: "pending_activation")
        }
        return .json(answer, status: 201)
    }

    /// POST /api/identity/v1/internal/stroke-certification-outcomes: approval's final decision
    /// (internal token, idempotent by the outbox key). Approved: the unit's data-entry grant for
    /// the stroke program, exactly that unit and program. Rejected: the opinion is kept and
    /// sent by SMS; the user may submit again.
    func outcome(_ req: Request) throws -> Response {
        let body = try OutcomeCallback.read(app.context, req)
        guard body.type == nil || body.type == StrokeUsers.requestType else {
            throw APIError.conflict("该审批请求不是个人身份认证", code: "unknown_request")
        }
        // The subject (the user) may have had earlier certification requests: only the one
        // approval opened last, the pending certification's, decides it.
        guard ID.isValid(body.subjectId),
              try PeerLookups.latestApprovalRequest(app.context, service: "identity", subject: body.subjectId) == body.requestId else {
            throw APIError.conflict("该审批请求不是当前的个人身份认证申请", code: "unknown_request")
        }
        let applied = try app.db.transaction { conn -> Bool in
            if let key = try Outbox.deliveryKey(req), !(try Outbox.firstDelivery(conn, key: key)) { return false }
            guard ID.isValid(body.subjectId), let cert = try store.pending(conn, userID: body.subjectId) else { return false }
            let users = UserStore(app: app)
            guard let user = try users.get(conn, id: cert.userID) else { return false }
            switch body.outcome {
            case "approved":
                guard let org = try OrganisationStore(app: app).get(conn, id: cert.orgID) else { throw APIError.notFound }
                try users.grant(conn, userID: user.id, role: .dataEntry, orgID: org.id, scopePath: org.scopePath, specialty: StrokeUsers.program)
                try store.decide(conn, id: cert.view.id, status: "approved", opinion: body.opinion, requestID: body.requestId)
                try MessageStore.enqueue(conn, channel: "sms", to: user.phone,
                    body: "【质控平台】您的个人身份认证已通过审核，已开通\(org.name)脑卒中登记数据填报权限，请重新登录后使用。")
            case "withdrawn":
                try store.decide(conn, id: cert.view.id, status: "withdrawn", opinion: body.opinion, requestID: body.requestId)
            default:
                try store.decide(conn, id: cert.view.id, status: "rejected", opinion: body.opinion, requestID: body.requestId)
                let opinion = (body.opinion ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "。 "))
                try MessageStore.enqueue(conn, channel: "sms", to: user.phone,
                    body: "【质控平台】您的个人身份认证未通过审核。审核意见：\(opinion.isEmpty ? "无" : opinion)。您可修改后重新提交。")
            }
            let status = body.outcome == "returned" ? "rejected" : body.outcome
            try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: cert.orgID, action: "stroke_certification_\(status)", objectType: "user",
                                              objectID: user.id, newValue: Audit.json(["certification": cert.view.id]), request: req))
            return true
        }
        return .json(["applied": applied])
    }
}

/// The files in a stroke user's certification folder, as documents lists them to that user
/// (`GET /api/documents/v1/documents?object=certification:<user id>` with the user's token).
struct CertificationDocumentsClient: Sendable {
    let context: ServiceContext

    func inFolder(_ userID: String, authorization: String) throws -> [RegistrationDocumentsClient.Listed.Item] {
        let url = "\(context.settings.documentsURL)/api/documents/v1/documents?object=\(StrokeUsers.object(userID))"
        do {
            return try context.http.getJSON(url, headers: [("Authorization", authorization)], as: RegistrationDocumentsClient.Listed.self).items
        } catch ClientError.status(404, _) {
            return [] // no folder yet: nothing uploaded
        }
    }
}
