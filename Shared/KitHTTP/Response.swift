import Foundation
import Models
import KitCore

/// One HTTP response. The common case (JSON, no extra headers) allocates only its body.
public struct Response: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// A file streamed with sendfile(2) from the event loop.
        case file(path: String, size: Int)
    }

    public var status: Int
    public var contentType: String?
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int = 200, contentType: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: Int = 200, contentType: String?, headers: [(String, String)] = [], file path: String, size: Int) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = .file(path: path, size: size)
    }

    public var bodyCount: Int {
        switch body {
        case .bytes(let b): return b.count
        case .file(_, let size): return size
        }
    }

    public var bodyBytes: [UInt8] {
        if case .bytes(let b) = body { return b }
        return []
    }

    public static let jsonType = "application/json; charset=utf-8"

    /// JSON response from an Encodable value.
    public static func json<T: Encodable>(_ value: T, status: Int = 200) -> Response {
        do {
            return Response(status: status, contentType: jsonType, body: try FastJSON.encode(value))
        } catch {
            return .error(.internalError)
        }
    }

    /// JSON response from bytes already serialised.
    public static func json(raw: [UInt8], status: Int = 200) -> Response {
        Response(status: status, contentType: jsonType, body: raw)
    }

    public static func text(_ s: String, status: Int = 200) -> Response {
        Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(s.utf8))
    }

    public static func noContent() -> Response { Response(status: 204) }

    /// The error envelope, with Retry-After on 429/503 when known.
    public static func error(_ e: APIError) -> Response {
        var r = Response(status: e.status, contentType: jsonType,
                         body: (try? FastJSON.encode(ErrorEnvelope(error: e))) ?? Array("{\"error\":{\"code\":\"internal_error\",\"message\":\"服务器内部错误\"}}".utf8))
        if let ra = e.retryAfter { r.headers.append(("Retry-After", String(ra))) }
        return r
    }

    /// First value of a response header set by a handler (case-insensitive).
    public func header(_ name: String) -> String? {
        if name.lowercased() == "content-type" { return contentType }
        return headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

