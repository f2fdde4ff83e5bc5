import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// 变更资料 (docs/accounts.md): an approved institution's admin submits changed data (and
/// possibly a new data administrator); approval reviews it; on approval it replaces the old data.
struct OrgChangeHandlers: Sendable {
    let app: IdentityApp
    var store: OrgChangeStore { OrgChangeStore(app: app) }

    /// The caller's institution as its admin (main account).
    private func admin(_ req: Request) throws -> (User, RoleAssignment) {
        try AccountHandlers(app: app).institutionAdmin(req, message: "只有医疗机构管理员可以变更机构资料")
    }

    struct Mine: Codable, Sendable { let current: [String: String]; let items: [OrgChangeView] }

    /// GET /api/identity/v1/org-changes: the institution's current data and its changes.
    func mine(_ req: Request) throws -> Response {
        let (_, grant) = try admin(req)
        let out = try app.db.withConnection { conn in
            Mine(current: try store.current(conn, orgID: grant.orgID), items: try store.list(conn, orgID: grant.orgID))
        }
        return .json(out)
    }

    /// POST /api/identity/v1/org-changes: `{"data": {field: value}, "newAdmin": {name, phone, email}}`.
    /// Opens an approval request (platform for NCIS/HQMS institutions, the province's centres
    /// otherwise); one open change per institution.
    func submit(_ req: Request) throws -> Response {
        let (user, grant) = try admin(req)
        let body = try req.decode(OrgChange.Submission.self)
        if let a = body.newAdmin { try OrgChange.check(a) }
        let orgs = OrganisationStore(app: app)
        let id = ID.new()
        let view = try app.db.transaction { conn -> OrgChangeView in
            guard let org = try orgs.get(conn, id: grant.orgID), org.kind == "institution" else { throw APIError.forbidden }
            let current = try store.current(conn, orgID: org.id)
            let changed = try OrgChange.changes(body.data ?? [:], current: current)
            guard !changed.isEmpty || body.newAdmin != nil else { throw APIError.invalid("data", "没有需要变更的资料", code: "no_change") }
            let region = changed["regionCode"] ?? org.regionCode ?? ""
            if changed["regionCode"] != nil, try orgs.region(conn, region) == nil {
                throw APIError.invalid("data.regionCode", "所在地区不存在", code: "invalid_region")
            }
            if changed["name"] != nil || changed["regionCode"] != nil,
               try store.nameTaken(conn, orgID: org.id, region: region, name: changed["name"] ?? org.name) {
                throw APIError.conflict("该地区已存在同名机构", code: "organisation_exists")
            }
            let old = current.filter { changed[$0.key] != nil }
            // A phone with an account at this institution: that account, once its phone is
            // proved (the code is checked last, after every other refusal).
            let newAdmin = try body.newAdmin.map { try AdminBindingHandlers(app: app).resolve(conn, $0, orgID: org.id, caller: user) }
            try store.insert(conn, id: id, orgID: org.id, by: user.id, old: old, new: changed, newAdmin: newAdmin)
            // The request is reviewed where the institution is now.
            let (province, city) = try orgs.approvalCodes(conn, regionCode: org.regionCode ?? "")
            let programs = try store.programs(conn, orgID: org.id)
            var details = Dictionary(uniqueKeysWithValues: changed.map { ("\(OrgChange.label($0.key))", "\(old[$0.key] ?? "（空）") → \($0.value.isEmpty ? "（空）" : $0.value)") })
            if let a = body.newAdmin { details["数据管理员"] = "\(user.displayName) → \(a.name)（\(ChineseFormats.maskMobile(a.phone))）" }
            let request = ApprovalRequestBody(
                type: "org_change", chain: programs.contains("ncis") || programs.contains("hqms") ? "platform_org_change" : "org_change",
                subject: .init(service: "identity", id: id), title: "\(org.name) 变更资料申请",
                applicant: .init(name: user.displayName, phoneMasked: ChineseFormats.maskMobile(user.phone), orgName: org.name),
                scopePath: org.path, provinceCode: province, cityCode: city, specialty: nil, institutionOrgID: org.id,
                attachments: [], details: details, callbackPath: "/api/identity/v1/internal/org-change-outcomes")
            try Outbox.enqueue(conn, target: .approval, path: "/api/approval/v1/internal/requests", body: request, key: "org_change:\(id)")
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: org.id, action: "org_change_submitted", objectType: "organisation",
                                              objectID: org.id, oldValue: Audit.json(old), newValue: Audit.json(changed), request: req))
            return try store.get(conn, id: id, lock: false)!.view
        }
        return .json(view, status: 201)
    }

    /// POST /api/identity/v1/internal/org-change-outcomes: approval's final decision.
    func outcome(_ req: Request) throws -> Response {
        let body = try OutcomeCallback.read(app.context, req)
        let applied = try app.db.transaction { conn -> Bool in
            if let key = try Outbox.deliveryKey(req), !(try Outbox.firstDelivery(conn, key: key)) { return false }
            guard let (change, requestedBy) = try store.get(conn, id: body.subjectId, lock: true), body.type == nil || body.type == "org_change" else {
                throw APIError.conflict("该审批请求不是变更资料申请", code: "unknown_request")
            }
            guard change.status == "pending" else { return false }
            let requester = try UserStore(app: app).get(conn, id: requestedBy)
            if body.outcome != "approved" {
                let status = body.outcome == "withdrawn" ? "withdrawn" : "rejected"
                try store.decide(conn, id: change.id, status: status, opinion: body.opinion, requestID: body.requestId)
                if status == "rejected", let r = requester {
                    let opinion = (body.opinion ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "。 ")).nonEmpty ?? "无"
                    try MessageStore.enqueue(conn, channel: "sms", to: r.phone, body: "【质控平台】您提交的机构变更资料未通过审核。审核意见：\(opinion)。")
                }
                try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: change.orgId, action: "org_change_\(status)", objectType: "organisation",
                                                  objectID: change.orgId, request: req))
                return true
            }
            try apply(conn, change, requestID: body.requestId, opinion: body.opinion, req: req)
            return true
        }
        return .json(["applied": applied])
    }

    private func apply(_ conn: PGConnection, _ change: OrgChangeView, requestID: String, opinion: String?, req: Request) throws {
        let orgs = OrganisationStore(app: app), users = UserStore(app: app)
        guard let before = try orgs.get(conn, id: change.orgId) else { throw APIError.notFound }
        // A name or phone taken meanwhile: the change cannot be applied as approved; it is closed.
        let region = change.newData["regionCode"] ?? before.regionCode ?? ""
        var blocked: String?
        if change.newData["name"] != nil || change.newData["regionCode"] != nil {
            try orgs.lockName(conn, region: region, name: change.newData["name"] ?? before.name)
            if try store.nameTaken(conn, orgID: before.id, region: region, name: change.newData["name"] ?? before.name) { blocked = "该地区已存在同名机构" }
        }
        // A new account for a phone that meanwhile got an account at this institution: that one
        // would have needed the phone's proof (a new change binds it).
        if let a = change.newAdmin, a.userId == nil,
           try AdminBindingHandlers.accountHere(conn, phone: a.phone, orgID: before.id) != nil { blocked = "新管理员的手机号在本机构已有账号" }
        if let bound = change.newAdmin?.userId, !(try AdminBindingHandlers.stillBindable(conn, app: app, userID: bound, orgID: before.id)) {
            blocked = "新管理员的账号已停用或不属于本机构"
        }
        if let why = blocked {
            try store.decide(conn, id: change.id, status: "rejected", opinion: "审批通过但无法执行：\(why)", requestID: requestID)
            return
        }
        try store.apply(conn, orgID: before.id, data: change.newData)
        try store.decide(conn, id: change.id, status: "approved", opinion: opinion, requestID: requestID)
        guard let org = try orgs.get(conn, id: before.id) else { throw APIError.notFound }
        try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: org.id, action: "org_change_approved", objectType: "organisation", objectID: org.id,
                                          oldValue: Audit.json(change.oldData), newValue: Audit.json(change.newData), request: req))
        // A new region: reporting and documents take the new path too (outbox, same transaction).
        if change.newData["regionCode"] != nil, org.scopePath != before.scopePath {
            try OrgMoves.enqueue(conn, orgID: org.id, scopePath: org.scopePath, changeID: change.id)
        }
        guard let a = change.newAdmin else { return }
        // The data administrator changes: a new account for the new person (activated by SMS),
        // the old admins lose the role, their sub-accounts move, and they are told.
        let newID: String
        if let bound = a.userId {
            // An account of the institution whose holder proved the phone: it takes the role.
            try AdminBindingHandlers.bind(conn, app: app, userID: bound, orgID: org.id, scopePath: org.scopePath)
            newID = bound
            let username = try users.get(conn, id: bound)?.username ?? ""
            try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                body: "【质控平台】您的账号\(username)已被设为\(org.name)的数据管理员，重新登录后生效。")
            try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: org.id, action: "institution_admin_bound", objectType: "user", objectID: bound,
                                              request: req))
        } else {
            newID = try store.newAdmin(conn, orgID: org.id, scopePath: org.scopePath, admin: a)
            try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                body: "【质控平台】您已被设为\(org.name)的数据管理员。请在平台登录页点击“账号激活”，用本手机号接收验证码并设置用户名和密码。")
        }
        for old in try users.institutionAdmins(conn, orgID: org.id, exceptPhone: a.phone) where old.id != newID {
            let moved = try store.moveSubAccounts(conn, from: old.id, to: newID)
            try users.removeRole(conn, userID: old.id, role: .institutionAdmin, orgID: org.id)
            try users.setPassword(conn, userID: old.id, password: PasswordPolicy.generate(), mustChange: true)
            if try users.roles(conn, userID: old.id).isEmpty { try users.setStatus(conn, userID: old.id, status: "disabled") }
            try MessageStore.enqueue(conn, channel: "sms", to: old.phone,
                body: "【质控平台】\(org.name)的数据管理员已变更为\(a.name)，您的管理员权限已移除，\(moved)个子账号已转交新管理员。")
            if let email = try users.get(conn, id: old.id)?.email {
                try MessageStore.enqueue(conn, channel: "email", to: email, subject: "质控平台数据管理员变更通知",
                    body: "您好：\r\n\r\n\(org.name)的变更资料申请已审批通过，数据管理员已变更为\(a.name)。\r\n您的管理员权限已移除，\(moved)个子账号已转交新管理员，原账号密码已重置。\r\n如非本机构操作，请联系平台运营。")
            }
            try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: org.id, action: "institution_admin_replaced", objectType: "user", objectID: old.id,
                                              newValue: Audit.json(["newAdmin": newID, "subAccountsMoved": "\(moved)"]), request: req))
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
