import KitHTTP
import Models

/// `GET /api/<service>/v1/internal/routes`: the service's public routes (method and pattern),
/// so a test can hold the OpenAPI document against the real routers.
enum RouteListing {
    struct Item: Codable, Sendable { let method: String; let path: String }

    static func install(on router: Router, context: ServiceContext) {
        let name = context.settings.name.rawValue
        let items = router.routes
            .filter { $0.pattern.hasPrefix("/api/") && !$0.pattern.contains("/internal/") && !$0.pattern.contains("/dev/") && !$0.pattern.contains("*") }
            .map { Item(method: $0.method.rawValue, path: $0.pattern) }
        router.get("/api/\(name)/v1/internal/routes") { req in
            try context.requireInternal(req)
            return .json(Page(items: items))
        }
    }
}
