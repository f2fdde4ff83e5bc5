import Foundation
import KitHTTP
import Models
import ServiceKit

enum GatewayRoutes {
    /// Largest body the gateway forwards (uploads: 10 MiB plus multipart overhead).
    static let maxBody = 11 << 20

    static func install(_ router: Router, proxy: Proxy, context: ServiceContext) {
        let big = RouteOptions(maxBody: maxBody)
        for service in proxy.upstreams.keys.sorted() {
            let handler: Handler = { req in try proxy.forward(req, service: service) }
            for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
                router.add(method, "/api/\(service)/*rest", options: big, handler)
            }
        }
        // Readiness of the whole suite: every service answers its /readyz.
        router.get("/api/readyz") { _ in
            var checks: [String: String] = [:]
            var ok = true
            for (name, upstream) in proxy.upstreams.sorted(by: { $0.key < $1.key }) {
                var state = "unreachable"
                for base in upstream.instances {
                    if let r = try? proxy.client.sendOnce(.init(url: base + "/readyz", timeout: 3)), r.status == 200 {
                        state = "ok"
                        break
                    }
                }
                if state != "ok" { ok = false }
                checks[name] = state
            }
            return .json(HealthStatus(status: ok ? "ready" : "not_ready", service: "gateway", checks: checks), status: ok ? 200 : 503)
        }
    }
}
