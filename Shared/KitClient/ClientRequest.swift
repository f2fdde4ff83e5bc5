import Foundation

/// One outgoing HTTP request. Plain value: build it, hand it to `HTTPClient.send(_:)`.
public struct ClientRequest: Sendable {
    /// "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", … (sent as given).
    public var method: String
    /// Absolute http:// or https:// URL.
    public var url: String
    /// Request headers in order. Empty values are sent as empty headers.
    public var headers: [(String, String)]
    /// Request body; sent with Content-Length (never chunked).
    public var body: [UInt8]
    /// Whole-request timeout for one attempt; overrides `HTTPClient.Options.timeout`.
    public var timeout: TimeInterval?
    /// Sent as `Idempotency-Key`; makes a POST/PATCH retryable by `HTTPClient.send(_:)`.
    public var idempotencyKey: String?
    /// A body sent while it is produced (a proxy passing an upload on as it arrives): called for
    /// the next bytes, nil at the end; `body` is then ignored. Sent with `bodyLength` as
    /// Content-Length when given, else chunked. An error it throws aborts the transfer and is
    /// rethrown by `sendOnce`. Such a request is never retried (its bytes cannot be read twice).
    public var bodySource: (@Sendable () throws -> [UInt8]?)?
    /// Content-Length of `bodySource`'s bytes, when known.
    public var bodyLength: Int?

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                timeout: TimeInterval? = nil, idempotencyKey: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idempotencyKey = idempotencyKey
    }

    /// Methods that RFC 9110 defines as idempotent (safe to repeat after an unknown outcome).
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]

    /// Whether `send(_:)` may repeat this request after a connect error, a timeout or a 502/503/504.
    var isRetryable: Bool {
        bodySource == nil && (idempotencyKey != nil || Self.idempotentMethods.contains(method.isEmpty ? "GET" : method.uppercased()))
    }
}
