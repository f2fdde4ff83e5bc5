import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

enum GatewayRoutes {
    /// Largest body the gateway forwards (uploads: 10 MiB plus multipart overhead; raise it with
    /// GATEWAY_MAX_BODY when documents' DOC_MAX_BYTES_<KIND> allow larger files).
    static let maxBody = max(1 << 20, Env.int("GATEWAY_MAX_BODY", 11 << 20))

    static func install(_ router: Router, proxy: Proxy, context: ServiceContext) {
        let edge = EdgeMiddleware(context: context,
                                  perAddress: RateLimiter(rate: Env.double("RATE_LIMIT_IP", 50), burst: Env.double("RATE_LIMIT_IP_BURST", 200)),
                                  perAccount: RateLimiter(rate: Env.double("RATE_LIMIT_ACCOUNT", 20), burst: Env.double("RATE_LIMIT_ACCOUNT_BURST", 100)),
                                  publicOrigin: Env.optional("PUBLIC_ORIGIN"), services: Set(proxy.upstreams.keys))
        router.use(edge)
        SessionRoutes.install(router, proxy: proxy)
        OpenAPIRoute.install(router)

        let big = RouteOptions(maxBody: maxBody)
        for service in proxy.upstreams.keys.sorted() {
            let handler: Handler = { req in
                let r = try proxy.forward(req, service: service)
                // A browser changing its password gets the new tokens as cookies.
                if service == "identity", req.locals["cookieSession", as: Bool.self] == true, req.path == "/api/identity/v1/me/password" {
                    return SessionCookies.intoCookies(r)
                }
                return r
            }
            for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
                router.add(method, "/api/\(service)/*rest", options: big, handler)
            }
            // Uploads: the kind's own limit, from documents, refuses an oversize body from its headers.
            if service == "documents", let upstream = proxy.upstreams[service] {
                let limits = UploadLimits(ceiling: maxBody)
                limits.startRefreshing(from: upstream, client: proxy.client)
                // Upload bodies are passed on to documents as they arrive (streamed, never held whole).
                let upload = RouteOptions(maxBody: maxBody, bodyLimit: { limits.bodyLimit(rawQuery: $0) }, streamBody: true)
                let replace = RouteOptions(maxBody: maxBody, streamBody: true)
                // A literal path wins over the catch-all for every method: list them all.
                for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
                    router.add(method, "/api/documents/v1/documents", options: method == .POST ? upload : big, handler)
                    router.add(method, "/api/documents/v1/documents/:id/content", options: method == .PUT ? replace : big, handler)
                }
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
        // The portal: files from PORTAL_DIR, through the same edge (headers, limits).
        let files = StaticFiles(directory: Env.string("PORTAL_DIR", "Portal"))
        context.logger.info("portal", ["files": String(files.files.count)])
        let serve: Handler = { req in
            if req.path.hasPrefix("/api/") { throw APIError.notFound }
            guard req.method == .GET || req.method == .HEAD else { throw APIError.methodNotAllowed }
            return files.serve(req)
        }
        router.fallback = { req in try edge.handle(req, next: serve) }
    }
}
