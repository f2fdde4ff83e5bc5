import KitHTTP
import Models

/// `/healthz`: the process answers. `/readyz`: it can do its work (its database answers).
enum HealthRoutes {
    static func install(on router: Router, context: ServiceContext) {
        let name = context.settings.name.rawValue
        router.get("/healthz", options: .inline) { _ in .json(HealthStatus(status: "ok", service: name)) }
        router.get("/readyz") { _ in
            guard let db = context.db else { return .json(HealthStatus(status: "ready", service: name)) }
            if db.ping() {
                return .json(HealthStatus(status: "ready", service: name, checks: ["database": "ok"]))
            }
            return .json(HealthStatus(status: "not_ready", service: name, checks: ["database": "unreachable"]), status: 503)
        }
    }
}
