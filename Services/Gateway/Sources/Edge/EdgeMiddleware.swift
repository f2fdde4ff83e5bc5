import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// What the gateway does to every request before routing it: limit its rate (per client
/// address, then per account), check CSRF for cookie sessions, turn the session cookie into a
/// bearer token, refuse missing or bad tokens on non-public routes; and what it adds to every
/// answer: security headers.
struct EdgeMiddleware: Middleware {
    let context: ServiceContext
    let perAddress: RateLimiter
    let perAccount: RateLimiter
    let publicOrigin: String?
    /// Service names the gateway routes; other `/api/…` paths are simply not found.
    let services: Set<String>

    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "frame-src 'self' blob:; object-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]

    func handle(_ request: Request, next: Handler) throws -> Response {
        var response: Response
        do {
            response = try check(request, next: next)
        } catch let e as APIError {
            response = .error(e)
        }
        for (name, value) in EdgeMiddleware.securityHeaders where response.header(name) == nil {
            response.headers.append((name, value))
        }
        return response
    }

    private func check(_ request: Request, next: Handler) throws -> Response {
        // Routing drops empty segments, so `//api/x` would be routed like `/api/x` while the
        // token check below looks at the spelling: refuse any path not in canonical form.
        guard EdgeMiddleware.isCanonical(request.path) else {
            throw APIError.badRequest("请求路径格式错误", code: "bad_path")
        }
        if let wait = perAddress.take("ip:" + request.clientAddress) {
            throw APIError.tooManyRequests(retryAfter: wait)
        }
        let (forwarded, subject) = try authorize(request)
        if let subject, let wait = perAccount.take("sub:" + subject) {
            throw APIError.tooManyRequests(retryAfter: wait)
        }
        return try next(forwarded)
    }

    /// An upload sent with `Expect: 100-continue` that the edge would refuse anyway (bad path,
    /// foreign origin, no or bad token) is answered from its head, before the client sends the
    /// body. Nothing is counted here: rate limits apply when the request itself is handled.
    func answerBeforeBody(_ head: Request) -> Response? {
        do {
            guard EdgeMiddleware.isCanonical(head.path) else {
                throw APIError.badRequest("请求路径格式错误", code: "bad_path")
            }
            _ = try authorize(head)
            return nil
        } catch let e as APIError {
            var response = Response.error(e)
            for (name, value) in EdgeMiddleware.securityHeaders { response.headers.append((name, value)) }
            return response
        } catch {
            return nil
        }
    }

    /// CSRF for state changes, the session cookie turned into a bearer token, and the token
    /// checked on non-public API routes. Answers the request to forward and the token's subject.
    private func authorize(_ request: Request) throws -> (Request, String?) {
        let isState = ![.GET, .HEAD, .OPTIONS].contains(request.method)
        let bearerGiven = request.headers["authorization"] != nil
        let cookieAccess = request.cookie(SessionCookies.access)
        let usesCookies = !bearerGiven && (cookieAccess != nil || request.cookie(SessionCookies.refresh) != nil)
        if isState { try checkOrigin(request, required: usesCookies) }

        var forwarded = request
        if usesCookies, let token = cookieAccess {
            var pairs = request.headers.map { ($0.name, $0.value) }.filter { $0.0.lowercased() != "authorization" }
            pairs.append(("Authorization", "Bearer \(token)"))
            forwarded = request.withHeaders(pairs)
            forwarded.locals.set("cookieSession", true)
        }
        guard request.path.hasPrefix("/api/"), !PublicRoutes.contains(request.method, request.path) else { return (forwarded, nil) }
        let service = request.path.dropFirst(5).split(separator: "/").first.map(String.init) ?? ""
        guard services.contains(service) else { throw APIError.notFound }
        guard let auth = forwarded.headers["authorization"], auth.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthorized
        }
        return (forwarded, try verifiedSubject(String(auth.dropFirst(7))))
    }

    /// A path the edge decides on exactly as the router will see it: absolute, no empty
    /// segment (`//`), no `.` or `..` segment, plain or percent-encoded.
    static func isCanonical(_ path: String) -> Bool {
        guard path.hasPrefix("/") else { return false }
        if path == "/" { return true }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (i, segment) in segments.enumerated() {
            if segment.isEmpty && i != segments.count - 1 { return false }  // a trailing slash is fine
            let lower = segment.lowercased()
            if [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."].contains(lower) { return false }
            if lower.contains("%2f") || lower.contains("%5c") { return false }
        }
        return true
    }

    /// Access and applicant tokens both pass the edge; the services decide what each may do.
    private func verifiedSubject(_ token: String) throws -> String {
        struct AnyClaims: Decodable { let sub: String; let typ: String }
        let claims = try context.tokens.verify(token, as: AnyClaims.self)
        guard claims.typ == "access" || claims.typ == "applicant" else { throw APIError.unauthorized }
        return claims.sub
    }

    /// CSRF: a state change from a browser must come from our own origin. Required for cookie
    /// sessions; for others a foreign Origin is still refused (login CSRF).
    private func checkOrigin(_ request: Request, required: Bool) throws {
        let own = publicOrigin ?? "http://\(request.headers["host"] ?? "")"
        let failed = APIError(403, "csrf_failed", "请求来源校验失败，请刷新页面后重试")
        if let origin = request.headers["origin"] {
            guard origin == own else { throw failed }
            return
        }
        if let referer = request.headers["referer"] {
            guard referer == own || referer.hasPrefix(own + "/") else { throw failed }
            return
        }
        if required { throw failed }
    }
}
