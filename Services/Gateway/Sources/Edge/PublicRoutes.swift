import KitHTTP

/// Routes the gateway lets through without a token (everything else needs a valid access or
/// applicant token at the edge; the services check scopes themselves).
enum PublicRoutes {
    static let exact: Set<String> = [
        "GET /api/readyz", "GET /api/openapi.json", "GET /api/session",
        "GET /api/identity/keys",
        "GET /api/identity/v1/captcha", "POST /api/identity/v1/sms-codes",
        "GET /api/identity/v1/regions", "GET /api/identity/v1/specialties", "GET /api/identity/v1/roles",
        "GET /api/identity/v1/institutions", "GET /api/identity/v1/organisations",
        "POST /api/identity/v1/applications/verify",
        "POST /api/identity/v1/password-resets", "POST /api/identity/v1/password-resets/confirm",
        "POST /api/identity/v1/accounts/lookup",
        "POST /api/identity/v1/activation/sms-code", "POST /api/identity/v1/activation", // docs/accounts.md
        "POST /api/identity/v1/sessions", "POST /api/identity/v1/sessions/verify",
        "POST /api/identity/v1/sessions/refresh", "POST /api/identity/v1/sessions/logout",
        "GET /api/documents/v1/kinds",
        // stroke registry 用户注册 (docs/registration.md)
        "GET /api/identity/v1/stroke-units", "POST /api/identity/v1/stroke-users/sms-code", "POST /api/identity/v1/stroke-users",
    ]
    static let prefixes = ["/api/session/", "/api/identity/v1/dev/"]

    static func contains(_ method: HTTPMethod, _ path: String) -> Bool {
        if !path.hasPrefix("/api/") { return true } // portal files
        let m = method == .HEAD ? "GET" : method.rawValue
        if exact.contains("\(m) \(path)") { return true }
        return prefixes.contains { path.hasPrefix($0) }
    }
}
