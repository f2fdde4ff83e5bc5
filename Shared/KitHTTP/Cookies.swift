/// Cookies: reading the request's Cookie header and writing Set-Cookie values.
extension Request {
    /// The value of a cookie, or nil.
    public func cookie(_ name: String) -> String? {
        for header in headers.values("cookie") {
            for pair in header.split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                if kv[0].trimmingCharacters(in: .whitespaces) == name {
                    return kv[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}

public struct SetCookie: Sendable {
    public enum SameSite: String, Sendable { case strict = "Strict", lax = "Lax" }
    public var name: String
    public var value: String
    public var path = "/"
    public var maxAge: Int?
    public var httpOnly = true
    public var secure = false
    public var sameSite = SameSite.strict

    public init(name: String, value: String, path: String = "/", maxAge: Int? = nil, secure: Bool = false) {
        self.name = name
        self.value = value
        self.path = path
        self.maxAge = maxAge
        self.secure = secure
    }

    /// A cookie that deletes `name` on `path`.
    public static func expire(_ name: String, path: String, secure: Bool = false) -> SetCookie {
        SetCookie(name: name, value: "", path: path, maxAge: 0, secure: secure)
    }

    public var headerValue: String {
        var s = "\(name)=\(value); Path=\(path); SameSite=\(sameSite.rawValue)"
        if let m = maxAge { s += "; Max-Age=\(m)" }
        if httpOnly { s += "; HttpOnly" }
        if secure { s += "; Secure" }
        return s
    }
}
