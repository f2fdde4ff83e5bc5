import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// Internal messaging for other services (X-Internal-Token): a short notice to an
/// organisation's institution admins, by SMS to each phone and by e-mail where one is on file,
/// through identity's message queue (the dev inbox shows them). Reporting sends deadline
/// reminders this way (docs/reporting.md). With an Idempotency-Key the messages get ids derived
/// from it, so a repeated delivery queues nothing new.
struct NotifyHandlers: Sendable {
    let app: IdentityApp

    static func install(_ r: Router, _ app: IdentityApp) {
        let h = NotifyHandlers(app: app)
        r.post("/api/identity/v1/internal/organisations/:id/notify", h.notify)
    }

    struct Body: Codable, Sendable { let subject: String; let text: String }
    struct Answer: Codable, Sendable { let sms: Int; let email: Int }

    /// POST /api/identity/v1/internal/organisations/:id/notify `{"subject","text"}` →
    /// `{"sms": n, "email": m}` (messages newly queued).
    func notify(_ req: Request) throws -> Response {
        try app.context.requireInternal(req)
        let orgID = try req.parameter("id")
        guard ID.isValid(orgID) else { throw APIError.notFound }
        let body = try req.decode(Body.self)
        try Validate.text(body.subject, field: "subject", label: "标题", max: 60)
        try Validate.text(body.text, field: "text", label: "内容", max: 300)
        let key = try Outbox.deliveryKey(req)
        let answer = try app.db.transaction { conn -> Answer in
            var sms = 0, email = 0
            for admin in try UserStore.activeAdminContacts(conn, orgID: orgID) {
                if try MessageStore.enqueue(conn, channel: "sms", to: admin.phone, body: "【\(body.subject)】\(body.text)", key: key) { sms += 1 }
                if let mail = admin.email, !mail.isEmpty,
                   try MessageStore.enqueue(conn, channel: "email", to: mail, subject: body.subject, body: body.text, key: key) { email += 1 }
            }
            return Answer(sms: sms, email: email)
        }
        return .json(answer)
    }
}
