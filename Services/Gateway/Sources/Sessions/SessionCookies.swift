import Foundation
import KitCore
import KitHTTP

/// The two session cookies: neither readable by page scripts (HttpOnly), never sent
/// cross-site (SameSite=Strict), Secure when the portal is served over TLS.
enum SessionCookies {
    static let access = "qs_access"
    static let refresh = "qs_refresh"
    static let refreshPath = "/api/session"
    static let secure = Env.bool("COOKIE_SECURE", false)

    static func set(accessToken: String, accessTTL: Int, refreshToken: String) -> [(String, String)] {
        [("Set-Cookie", SetCookie(name: access, value: accessToken, path: "/", maxAge: accessTTL, secure: secure).headerValue),
         ("Set-Cookie", SetCookie(name: refresh, value: refreshToken, path: refreshPath, maxAge: 7 * 24 * 3600, secure: secure).headerValue),
         ("Cache-Control", "no-store")]
    }

    static func clear() -> [(String, String)] {
        [("Set-Cookie", SetCookie.expire(access, path: "/", secure: secure).headerValue),
         ("Set-Cookie", SetCookie.expire(refresh, path: refreshPath, secure: secure).headerValue)]
    }

    /// Moves tokens out of an identity answer into cookies: the browser gets the rest of the
    /// body (user, mustChangePassword, expiresIn) and never the tokens.
    static func intoCookies(_ upstream: Response) -> Response {
        guard (200..<300).contains(upstream.status),
              let obj = try? JSONSerialization.jsonObject(with: Data(upstream.bodyBytes)) as? [String: Any],
              let accessToken = obj["accessToken"] as? String, let refreshToken = obj["refreshToken"] as? String else {
            return upstream
        }
        var rest = obj
        rest.removeValue(forKey: "accessToken")
        rest.removeValue(forKey: "refreshToken")
        let ttl = obj["expiresIn"] as? Int ?? 900
        let body = (try? JSONSerialization.data(withJSONObject: rest)).map(Array.init) ?? []
        return Response(status: upstream.status, contentType: Response.jsonType,
                        headers: set(accessToken: accessToken, accessTTL: ttl, refreshToken: refreshToken), body: body)
    }
}
