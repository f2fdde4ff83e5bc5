import Foundation
import Models
import KitCore

/// One HTTP request as handlers see it.
public struct Request: Sendable {
    public let method: HTTPMethod
    /// Path without the query, still percent-encoded as received.
    public let path: String
    /// Raw query string without the `?`, or "".
    public let rawQuery: String
    public let headers: HTTPHeaders
    public var body: [UInt8]
    /// Path parameters from the route pattern (`/users/:id` → `id`), percent-decoded.
    public var parameters: [String: String]
    public let requestID: String
    public let remoteAddress: String
    /// Values middleware attaches for handlers (the verified caller, for example).
    public var locals: Locals
    /// On a streaming route (`RouteOptions.streamBody`): the body as it arrives (`body` is then
    /// empty). nil on every other route.
    public var bodyStream: (any RequestBodyStream)?

    public init(method: HTTPMethod, path: String, rawQuery: String = "", headers: HTTPHeaders = HTTPHeaders([]),
                body: [UInt8] = [], parameters: [String: String] = [:], requestID: String = "test",
                remoteAddress: String = "127.0.0.1", locals: Locals = Locals(), bodyStream: (any RequestBodyStream)? = nil) {
        self.method = method
        self.path = path
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.parameters = parameters
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.locals = locals
        self.bodyStream = bodyStream
    }

    /// A path parameter, or 404 when the route has none of that name.
    public func parameter(_ name: String) throws -> String {
        guard let v = parameters[name] else { throw APIError.notFound }
        return v
    }

    /// Query parameters, percent-decoded (`+` as space). Last value wins.
    public var query: [String: String] {
        var out: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let k = Request.formDecode(kv[0])
            let v = kv.count > 1 ? Request.formDecode(kv[1]) : ""
            if !k.isEmpty { out[k] = v }
        }
        return out
    }

    /// Decodes a JSON body into `T`; a clear 400 when it is not valid JSON of that shape.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        guard !body.isEmpty else { throw APIError.badRequest("请求体不能为空", code: "empty_body") }
        // NUL never belongs in text and PostgreSQL refuses it: a clear 400 here, not a 500 later.
        if Request.containsEscapedNUL(body) {
            throw APIError.badRequest("请求中包含非法字符", code: "invalid_characters")
        }
        do {
            return try JSON.sharedDecoder.decode(type, from: Data(body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.invalid(key.stringValue, "缺少必填字段：\(key.stringValue)", code: "missing_field")
        } catch let DecodingError.typeMismatch(_, ctx), let DecodingError.valueNotFound(_, ctx) {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "字段格式错误：\(field)", code: "invalid_field")
        } catch let DecodingError.dataCorrupted(ctx) where !ctx.codingPath.isEmpty {
            let field = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.invalid(field, "字段格式错误：\(field)", code: "invalid_field")
        } catch {
            throw APIError.badRequest("请求体不是有效的 JSON", code: "invalid_json")
        }
    }

    /// The caller's address. Every X-Forwarded-For line is read as one list (RFC 7239 §7.1:
    /// several lines are one comma-separated value); walking from the socket peer leftwards,
    /// each hop is believed only while the one that added it is a trusted proxy (loopback, or
    /// an address starting with one of TRUSTED_PROXIES' prefixes — the gateway in a container
    /// network). The first address not added by a trusted proxy is the client.
    public var clientAddress: String {
        var address = remoteAddress
        guard TrustedProxies.contains(address) else { return address }
        let hops = headers.values("x-forwarded-for")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard !hop.isEmpty, hop.count <= 64 else { break }
            address = hop
            if !TrustedProxies.contains(hop) { break }
        }
        return address
    }

    /// Percent-decodes a query component (`+` as space); NUL characters are dropped.
    static func formDecode<S: StringProtocol>(_ s: S) -> String {
        let replaced = s.replacingOccurrences(of: "+", with: " ")
        let decoded = replaced.removingPercentEncoding ?? replaced
        return decoded.contains("\0") ? decoded.replacingOccurrences(of: "\0", with: "") : decoded
    }

    /// True when a JSON text escapes U+0000 (`\u0000`).
    static func containsEscapedNUL(_ b: [UInt8]) -> Bool {
        guard b.count >= 6 else { return false }
        var i = 0
        while i + 5 < b.count {
            if b[i] == 92 /* \ */ {
                if b[i + 1] == 117 /* u */ && b[i + 2] == 48 && b[i + 3] == 48 && b[i + 4] == 48 && b[i + 5] == 48 { return true }
                i += 2 // skip the escaped character (so "\\u0000" is not a match)
                continue
            }
            i += 1
        }
        return false
    }
}

/// A small typed bag for middleware-to-handler values.
public struct Locals: Sendable {
    private var values: [String: any Sendable] = [:]
    public init() {}
    public subscript<T: Sendable>(_ key: String, as type: T.Type) -> T? {
        values[key] as? T
    }
    public mutating func set(_ key: String, _ value: any Sendable) { values[key] = value }
}


/// Peers whose X-Forwarded-For is believed: loopback and the TRUSTED_PROXIES prefixes.
enum TrustedProxies {
    /// Address prefixes from TRUSTED_PROXIES (the gateway's container network, a load balancer).
    static let prefixes: [String] = Env.list("TRUSTED_PROXIES", [])

    /// The loopback address the suite's own processes use (127.0.0.1, ::1) is trusted; the rest
    /// of 127.0.0.0/8 is not, so a local client on another loopback address is an ordinary client.
    static func contains(_ address: String) -> Bool {
        address == "127.0.0.1" || address == "::1" || address == "::ffff:127.0.0.1" || prefixes.contains { address.hasPrefix($0) }
    }
}

extension Request {
    /// A copy with other headers (a proxy adding or removing some).
    public func withHeaders(_ pairs: [(String, String)]) -> Request {
        Request(method: method, path: path, rawQuery: rawQuery, headers: HTTPHeaders(pairs), body: body,
                parameters: parameters, requestID: requestID, remoteAddress: remoteAddress, locals: locals,
                bodyStream: bodyStream)
    }
}
