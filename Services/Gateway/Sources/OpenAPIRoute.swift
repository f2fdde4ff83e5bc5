import Foundation
import KitCore
import KitHTTP
import Models

/// `GET /api/openapi.json`: the OpenAPI 3.1 document of the public API (docs/openapi.json,
/// or OPENAPI_FILE), read once.
enum OpenAPIRoute {
    static func install(_ router: Router) {
        let path = Env.string("OPENAPI_FILE", "docs/openapi.json")
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init)
        router.get("/api/openapi.json", options: .inline) { _ in
            guard let b = bytes else { throw APIError.notFound }
            return Response(status: 200, contentType: "application/json; charset=utf-8", headers: [("Cache-Control", "no-cache")], body: b)
        }
    }
}
