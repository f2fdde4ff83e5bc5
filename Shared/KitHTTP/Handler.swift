import Models

/// A request handler. Handlers are synchronous: they run on the worker pool (where blocking
/// database and HTTP-client calls belong) unless their route is marked `inline`.
public typealias Handler = @Sendable (Request) throws -> Response

/// The middleware seam: wraps a handler (auth, rate limits, CORS, audit context…).
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: Handler) throws -> Response
}

/// Options a route carries into the server.
public struct RouteOptions: Sendable {
    /// Largest request body accepted; bigger ones get 413 before the body is read.
    public var maxBody: Int
    /// Run on the event loop: only for handlers that never block (health, static answers).
    public var inline: Bool
    /// A tighter limit for one request, computed from its raw query string before the body is
    /// read (an upload's `kind`, for example); `maxBody` still caps it.
    public var bodyLimit: (@Sendable (_ rawQuery: String) -> Int)?

    public init(maxBody: Int = 1 << 20, inline: Bool = false, bodyLimit: (@Sendable (_ rawQuery: String) -> Int)? = nil) {
        self.maxBody = maxBody
        self.inline = inline
        self.bodyLimit = bodyLimit
    }

    public static let `default` = RouteOptions()
    public static let inline = RouteOptions(inline: true)
}
