import Foundation
import KitHTTP
import Models
import ServiceKit

/// Browser sessions (docs/contracts.md): the gateway talks to identity and keeps the tokens in
/// HttpOnly cookies.
enum SessionRoutes {
    static func install(_ router: Router, proxy: Proxy) {
        let identity = "/api/identity/v1"

        /// Forwards to an identity path with the same body.
        @Sendable func forward(_ req: Request, to path: String, extraHeaders: [(String, String)] = []) throws -> Response {
            var pairs = req.headers.map { ($0.name, $0.value) }.filter { !["cookie", "authorization"].contains($0.0.lowercased()) }
            pairs.append(contentsOf: extraHeaders)
            let rerouted = Request(method: req.method == .HEAD ? .GET : req.method, path: path, rawQuery: "",
                                   headers: HTTPHeaders(pairs), body: req.body, requestID: req.requestID,
                                   remoteAddress: req.remoteAddress)
            return try proxy.forward(rerouted, service: "identity")
        }

        router.post("/api/session/login") { req in
            SessionCookies.intoCookies(try forward(req, to: "\(identity)/sessions"))
        }
        router.post("/api/session/verify") { req in
            SessionCookies.intoCookies(try forward(req, to: "\(identity)/sessions/verify"))
        }
        router.post("/api/session/refresh") { req in
            guard let token = req.cookie(SessionCookies.refresh) else {
                var r = Response.error(APIError(401, "refresh_invalid", "登录已失效，请重新登录"))
                r.headers.append(contentsOf: SessionCookies.clear())
                return r
            }
            let body = try JSONEncoder().encode(["refreshToken": token])
            let upstream = try forward(req.withBody(Array(body)), to: "\(identity)/sessions/refresh",
                                       extraHeaders: [("Content-Type", "application/json")])
            if upstream.status == 401 {
                var r = upstream
                r.headers.append(contentsOf: SessionCookies.clear())
                return r
            }
            return SessionCookies.intoCookies(upstream)
        }
        router.post("/api/session/logout") { req in
            if let token = req.cookie(SessionCookies.refresh) {
                let body = try JSONEncoder().encode(["refreshToken": token])
                _ = try? forward(req.withBody(Array(body)), to: "\(identity)/sessions/logout", extraHeaders: [("Content-Type", "application/json")])
            }
            return Response(status: 204, headers: SessionCookies.clear())
        }
        router.get("/api/session") { req in
            guard let token = req.cookie(SessionCookies.access) else { throw APIError.unauthorized }
            let me = try forward(req, to: "\(identity)/me", extraHeaders: [("Authorization", "Bearer \(token)")])
            guard me.status == 200 else { return me }
            return Response(status: 200, contentType: Response.jsonType, body: Array("{\"user\":".utf8) + me.bodyBytes + Array("}".utf8))
        }
    }
}

extension Request {
    func withBody(_ body: [UInt8]) -> Request {
        var r = self
        r.body = body
        return r
    }
}
