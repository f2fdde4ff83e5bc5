/// State of one client connection, owned by exactly one event loop.
final class Connection {
    /// `streaming`: the handler runs while the body is still being read into `stream`.
    enum Phase { case idle, head, body, streaming, busy, draining }

    let fd: Int32
    let generation: UInt64
    let remote: String
    var phase = Phase.idle
    var phaseStart: UInt64 = 0
    var lastActive: UInt64

    // Input: bytes [start, end) of `input` are unread.
    var input: [UInt8]
    var start = 0
    var end = 0
    var scanned = 0

    // The request being read.
    var head: RequestHead?
    var headBytes: [UInt8] = []
    var route: Router.Route?
    var params: [String: String] = [:]
    var routeError: Int = 0 // 404 or 405 when no route
    var allowed: [HTTPMethod] = []
    var body: [UInt8] = []
    /// Body limit of the request being read (the route's, or tighter per request).
    var maxBody = 1 << 20
    var bodyRemaining = 0
    var chunked: ChunkedDecoder?
    var requestStarted: UInt64 = 0
    /// Streaming route: the stream the body goes to, bytes pushed so far, whether the loop
    /// stopped reading until the handler catches up, and whether to close after the answer.
    var stream: SocketBodyStream?
    var streamed = 0
    var streamPaused = false
    var closeAfterStream = false
    /// The handler answered before its streamed body ended: the answer waits here while the rest
    /// of the body is read and dropped (as a buffered route would have read it first).
    var heldAnswer: Completion?

    // Output.
    var output: [UInt8] = []
    var outputPos = 0
    var fileFD: Int32 = -1
    var fileOffset = 0
    var fileRemaining = 0
    var closeAfterWrite = false
    var announceKeepAlive = false
    var interest: UInt32 = 0

    init(fd: Int32, generation: UInt64, remote: String, now: UInt64) {
        self.fd = fd
        self.generation = generation
        self.remote = remote
        self.lastActive = now
        self.input = [UInt8](repeating: 0, count: 16 * 1024)
        self.output.reserveCapacity(4096)
    }

    var pendingOutput: Bool { outputPos < output.count || fileRemaining > 0 }

    func resetRequest() {
        head = nil
        route = nil
        if !params.isEmpty { params = [:] }
        routeError = 0
        body = []
        bodyRemaining = 0
        chunked = nil
        stream = nil
        streamed = 0
        streamPaused = false
        closeAfterStream = false
        heldAnswer = nil
        scanned = 0
        phase = .idle
    }
}
