import Foundation
import KitHTTP
import Models

/// Dev mode only (DEV_MODE=1): the messages the suite "sent" and captcha answers, so a
/// newcomer can walk every flow without a phone. Not routed at all otherwise.
struct DevHandlers: Sendable {
    let app: IdentityApp

    /// GET /api/identity/v1/dev/messages?recipient=&limit=
    func messages(_ req: Request) throws -> Response {
        let q = req.query
        let limit = min(max(Int(q["limit"] ?? "50") ?? 50, 1), 200)
        return .json(Page(items: try MessageStore(app: app).recent(recipient: q["recipient"], limit: limit)))
    }

    /// GET /api/identity/v1/dev/captchas/:id
    func captcha(_ req: Request) throws -> Response {
        guard let answer = try VerificationStore(app: app).devCaptchaAnswer(id: try req.parameter("id")) else { throw APIError.notFound }
        return .json(["answer": answer])
    }
}
