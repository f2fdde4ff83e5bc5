import Models

/// Routes by method and path pattern. Patterns are literal segments, `:name` parameters and
/// a final `*name` catch-all. Built at start-up, then read-only (shared by all loops unlocked).
public final class Router: @unchecked Sendable {
    public struct Route: Sendable {
        public let method: HTTPMethod
        public let pattern: String
        public let options: RouteOptions
        let handler: Handler
        /// The middleware's and the route's answers from the head alone, in order (see
        /// `Middleware.answerBeforeBody`); nil when there are none.
        let preflight: (@Sendable (Request) -> Response?)?
    }

    public enum Match {
        case found(Route, [String: String])
        case methodNotAllowed([HTTPMethod])
        case notFound
    }

    final class Node {
        var literal: [String: Node] = [:]
        var param: (name: String, node: Node)?
        var catchAll: (name: String, routes: [HTTPMethod: Route])?
        var routes: [HTTPMethod: Route] = [:]
    }

    private let root = Node()
    private var middleware: [Middleware] = []
    public private(set) var routes: [Route] = []
    /// Used when no route matches (the gateway's portal fallback, for example).
    public var fallback: Handler?

    public init() {}

    /// Middleware applies to routes added after this call, outermost first.
    public func use(_ m: Middleware) { middleware.append(m) }

    public func add(_ method: HTTPMethod, _ pattern: String, options: RouteOptions = .default, _ handler: @escaping Handler) {
        var h = handler
        for m in middleware.reversed() {
            let next = h
            h = { req in try m.handle(req, next: next) }
        }
        var checks: [@Sendable (Request) -> Response?] = []
        for m in middleware {
            let check: @Sendable (Request) -> Response? = { req in m.answerBeforeBody(req) }
            checks.append(check)
        }
        if let own = options.answerBeforeBody { checks.append(own) }
        var preflight: (@Sendable (Request) -> Response?)? = nil
        if !checks.isEmpty {
            let all = checks
            preflight = { req in
                for check in all { if let r = check(req) { return r } }
                return nil
            }
        }
        let route = Route(method: method, pattern: pattern, options: options, handler: h, preflight: preflight)
        routes.append(route)
        var node = root
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true)
        for (i, seg) in segments.enumerated() {
            if seg.hasPrefix("*") {
                precondition(i == segments.count - 1, "catch-all must be last: \(pattern)")
                var ca = node.catchAll ?? (String(seg.dropFirst()), [:])
                ca.routes[method] = route
                node.catchAll = ca
                return
            } else if seg.hasPrefix(":") {
                if node.param == nil { node.param = (String(seg.dropFirst()), Node()) }
                precondition(node.param!.name == String(seg.dropFirst()), "conflicting parameter names at \(pattern)")
                node = node.param!.node
            } else {
                let key = String(seg)
                if let next = node.literal[key] { node = next } else {
                    let next = Node(); node.literal[key] = next; node = next
                }
            }
        }
        precondition(node.routes[method] == nil, "duplicate route \(method) \(pattern)")
        node.routes[method] = route
    }

    public func get(_ p: String, options: RouteOptions = .default, _ h: @escaping Handler) { add(.GET, p, options: options, h) }
    public func post(_ p: String, options: RouteOptions = .default, _ h: @escaping Handler) { add(.POST, p, options: options, h) }
    public func put(_ p: String, options: RouteOptions = .default, _ h: @escaping Handler) { add(.PUT, p, options: options, h) }
    public func patch(_ p: String, options: RouteOptions = .default, _ h: @escaping Handler) { add(.PATCH, p, options: options, h) }
    public func delete(_ p: String, options: RouteOptions = .default, _ h: @escaping Handler) { add(.DELETE, p, options: options, h) }

    /// Finds the route for a path (percent-encoded, without query). Literal segments win over
    /// parameters, parameters over the catch-all; HEAD falls back to GET.
    public func match(_ method: HTTPMethod, _ path: String) -> Match {
        var params: [String: String] = [:]
        var node = root
        var fallbackCatchAll: (node: Node, rest: Substring)?
        var rest = Substring(path)
        while true {
            while rest.first == "/" { rest = rest.dropFirst() }
            if rest.isEmpty { break }
            let seg: Substring
            if let slash = rest.firstIndex(of: "/") { seg = rest[..<slash] } else { seg = rest }
            if node.catchAll != nil { fallbackCatchAll = (node, rest) }
            if let next = node.literal[String(seg)] {
                node = next
            } else if let p = node.param {
                params[p.name] = Router.percentDecode(seg)
                node = p.node
            } else if let ca = fallbackCatchAll ?? (node.catchAll != nil ? (node, rest) : nil) {
                return finishCatchAll(ca.node, ca.rest, method, params)
            } else {
                return .notFound
            }
            rest = rest[seg.endIndex...]
        }
        if !node.routes.isEmpty {
            if let r = node.routes[method] ?? (method == .HEAD ? node.routes[.GET] : nil) { return .found(r, params) }
            if node.catchAll == nil { return .methodNotAllowed(Array(node.routes.keys)) }
        }
        if node.catchAll != nil { return finishCatchAll(node, "", method, params) }
        if let ca = fallbackCatchAll { return finishCatchAll(ca.node, ca.rest, method, params) }
        return .notFound
    }

    private func finishCatchAll(_ node: Node, _ rest: Substring, _ method: HTTPMethod, _ params: [String: String]) -> Match {
        guard let ca = node.catchAll else { return .notFound }
        var params = params
        params[ca.name] = String(rest)
        if let r = ca.routes[method] ?? (method == .HEAD ? ca.routes[.GET] : nil) { return .found(r, params) }
        return .methodNotAllowed(Array(ca.routes.keys))
    }

    static func percentDecode(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        let decoded = s.removingPercentEncoding ?? String(s)
        return decoded.replacingOccurrences(of: "\0", with: "")
    }
}
