import ServiceKit
import KitHTTP
import Models

/// Internal `POST /internal/seal {"object":"registration:<id>"}`: identity seals an application's
/// files when it is submitted (outbox, `Idempotency-Key: seal:<id>:<revision>`: applied once).
/// Sealing again later (a new submission) seals the files added since.
struct SealHandler: Sendable {
    let app: DocumentsApp

    struct Body: Decodable {
        var object: String
    }

    func seal(_ request: Request) throws -> Response {
        try app.context.requireInternal(request)
        let body = try request.decode(Body.self)
        let object = try ObjectRef.parse(body.object)
        let key = try Outbox.deliveryKey(request)
        return .json(try app.store.seal(object, actor: "service:internal", idempotencyKey: key, request: request))
    }
}
