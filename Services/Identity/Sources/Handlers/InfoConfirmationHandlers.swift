import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Zhejiang's general information confirmation (docs/registration.md): the institution
/// administrator confirms the institution's information and its liaison (联络员); due every six
/// months and whenever the liaison changes; SMS reminders before it lapses.
struct InfoConfirmationHandlers: Sendable {
    let app: IdentityApp
    var store: InfoConfirmationStore { InfoConfirmationStore() }
    /// Reminders go this many days before the confirmation lapses.
    static let remindDays = 14

    /// The caller's Zhejiang institution (an institution admin grant, checked in SQL).
    private func institution(_ req: Request) throws -> (User, String) {
        let (claims, user) = try AccountHandlers(app: app).currentUser(req)
        guard let grant = claims.roles.first(where: { $0.role == .institutionAdmin }),
              try app.db.withConnection({ try store.isZhejiangAdmin($0, userID: user.id, orgID: grant.orgID) }) else {
            throw APIError.forbidden
        }
        return (user, grant.orgID)
    }

    /// GET /api/identity/v1/info-confirmation
    func get(_ req: Request) throws -> Response {
        let (_, org) = try institution(req)
        let s = try app.db.withConnection { try store.statuses($0, orgID: org, now: Date(), remindDays: Self.remindDays) }
        guard let status = s.first else { throw APIError.notFound }
        return .json(status)
    }

    struct Confirm: Codable, Sendable { let liaisonName: String; let liaisonPhone: String; let liaisonFormId: String? }

    /// POST /api/identity/v1/info-confirmation: confirms the information as it stands, with the
    /// liaison (a new one replaces the organisation's contact).
    func confirm(_ req: Request) throws -> Response {
        let (user, org) = try institution(req)
        let body = try req.decode(Confirm.self)
        try Validate.name(body.liaisonName, field: "liaisonName")
        guard ChineseFormats.isMobile(body.liaisonPhone) else { throw APIError.invalid("liaisonPhone", "请输入正确的11位手机号", code: "invalid_phone") }
        // The stamped 联络员信息表: one of the caller's own `liaison_form` documents (documents
        // answers for the caller's token; someone else's or another kind is refused).
        if let form = body.liaisonFormId {
            try LiaisonFormCheck(context: app.context).check(form, authorization: req.headers["authorization"] ?? "")
        }
        let status = try app.db.transaction { conn -> InfoConfirmationStore.Status in
            try store.confirm(conn, orgID: org, userID: user.id, liaisonName: body.liaisonName, liaisonPhone: body.liaisonPhone,
                              liaisonFormID: body.liaisonFormId?.lowercased())
            try Audit.record(conn, AuditEntry(actorID: user.id, actorOrg: org, action: "info_confirmed", objectType: "organisation", objectID: org,
                                              newValue: Audit.json(["liaisonName": body.liaisonName]), request: req))
            guard let s = try store.statuses(conn, orgID: org, now: Date(), remindDays: Self.remindDays).first else { throw APIError.notFound }
            return s
        }
        return .json(status)
    }

    struct Run: Decodable, Sendable { var now: Date }

    /// POST /api/identity/v1/internal/info-confirmation/reminders/run {"now"} (dev mode): the
    /// background task's run at a given time (InfoConfirmationReminders).
    func run(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        guard app.context.settings.devMode else { throw APIError.notFound }
        let now = try req.decode(Run.self).now
        return .json(try app.db.transaction { try InfoConfirmationReminders.run($0, now: now) })
    }
}

/// One SMS to each institution administrator of every Zhejiang institution whose confirmation
/// is due within the window, lapsed or whose liaison changed, once per due date. A background
/// task runs it every INFO_CONFIRMATION_REMINDER_INTERVAL seconds (default 3600).
enum InfoConfirmationReminders {
    struct Answer: Encodable, Sendable { var sent: [String]; var statuses: [InfoConfirmationStore.Status] }

    static func run(_ conn: PGConnection, now: Date) throws -> Answer {
        let store = InfoConfirmationStore()
        let all = try store.statuses(conn, orgID: nil, now: now, remindDays: InfoConfirmationHandlers.remindDays)
        var sent: [String] = []
        for s in all where s.status != "ok" {
            guard try store.claimReminder(conn, orgID: s.orgId, dueAt: s.dueAt) else { continue }
            let text = s.status == "liaison_changed" ? "联络员已变更，请重新确认机构基本信息"
                : s.status == "lapsed" ? "机构基本信息确认已过期，请尽快重新确认" : "机构基本信息须每六个月确认一次，即将到期，请及时确认"
            for admin in try UserStore.activeAdminContacts(conn, orgID: s.orgId) {
                try MessageStore.enqueue(conn, channel: "sms", to: admin.phone, body: "【质控平台】\(s.orgName)：\(text)。")
            }
            sent.append(s.orgId)
        }
        return Answer(sent: sent, statuses: all.filter { $0.status != "ok" })
    }

    static func task(_ context: ServiceContext) -> BackgroundTask {
        BackgroundTask(name: "identity-info-confirmation", interval: Env.double("INFO_CONFIRMATION_REMINDER_INTERVAL", 3600)) {
            do {
                _ = try context.database.transaction { try run($0, now: Date()) }
            } catch {
                context.logger.warning("info confirmation reminders failed", ["error": String(describing: error)])
            }
            return false
        }
    }
}
