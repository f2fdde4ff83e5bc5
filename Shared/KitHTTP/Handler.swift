import Models

/// A request handler. Handlers are synchronous: they run on the worker pool (where blocking
/// database and HTTP-client calls belong) unless their route is marked `inline`.
public typealias Handler = @Sendable (Request) throws -> Response

/// The middleware seam: wraps a handler (auth, rate limits, CORS, audit context…).
public protocol Middleware: Sendable {
    func handle(_ request: Request, next: Handler) throws -> Response

    /// An answer decided from the request's head alone (a 401 for a missing token, say). The
    /// server asks before it tells a client that sent `Expect: 100-continue` to send its body,
    /// so the client gets the refusal at once instead of uploading first. `head` has no body.
    /// Runs on the event loop: must not block, and must not count anything (rate limits),
    /// since `handle` still runs for the requests it lets through. nil lets the request go on.
    func answerBeforeBody(_ head: Request) -> Response?
}

extension Middleware {
    public func answerBeforeBody(_ head: Request) -> Response? { nil }
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
    /// This route's answer from the head alone, asked (after the middleware's) when a client
    /// sends `Expect: 100-continue`; same rules as `Middleware.answerBeforeBody`.
    public var answerBeforeBody: (@Sendable (_ head: Request) -> Response?)?
    /// The handler gets the body as it arrives (`Request.bodyStream`) instead of a buffered
    /// `body`: it runs on a worker as soon as the head is read, the server reads the socket only
    /// as fast as the handler consumes, and the limits above are enforced while streaming. For
    /// large uploads; never with `inline`.
    public var streamBody: Bool

    public init(maxBody: Int = 1 << 20, inline: Bool = false, bodyLimit: (@Sendable (_ rawQuery: String) -> Int)? = nil,
                answerBeforeBody: (@Sendable (_ head: Request) -> Response?)? = nil, streamBody: Bool = false) {
        precondition(!(inline && streamBody), "a streaming route cannot be inline")
        self.maxBody = maxBody
        self.inline = inline
        self.bodyLimit = bodyLimit
        self.answerBeforeBody = answerBeforeBody
        self.streamBody = streamBody
    }

    public static let `default` = RouteOptions()
    public static let inline = RouteOptions(inline: true)
}
