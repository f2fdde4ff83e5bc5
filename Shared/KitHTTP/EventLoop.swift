import Foundation
import CSystem
import Models
import KitCore
#if canImport(Glibc)
import Glibc
#endif

private let EPOLLIN: UInt32 = 0x001
private let EPOLLOUT: UInt32 = 0x004
private let EPOLLERR: UInt32 = 0x008
private let EPOLLHUP: UInt32 = 0x010
private let EPOLLRDHUP: UInt32 = 0x2000
private let EPOLL_CTL_ADD: Int32 = 1
private let EPOLL_CTL_DEL: Int32 = 2
private let EPOLL_CTL_MOD: Int32 = 3

/// A response computed on a worker thread, handed back to the loop that owns the connection.
struct Completion {
    let fd: Int32
    let generation: UInt64
    let response: Response
    let method: HTTPMethod
    let path: String
    let requestID: String
    let started: UInt64
}

/// One epoll thread: accepts on its own SO_REUSEPORT socket, reads, parses, routes, runs
/// inline handlers, hands blocking ones to the worker pool, writes. All connection state is
/// touched by this thread only; the mailbox for worker results is the one lock (taken once per
/// wake, uncontended unless workers are posting). Jobs go to the pool in one batch per wake.
final class EventLoop: @unchecked Sendable {
    let index: Int
    private let epfd: Int32
    private let wakeFD: Int32
    private var listenFD: Int32
    private let router: Router
    private let config: ServerConfig
    private let workers: WorkerPool
    private var connections: [Int32: Connection] = [:]
    private var nextGeneration: UInt64 = 1
    private var requestCounter: UInt64 = 0
    private let idPrefix: String

    private let mailboxLock = NSLock()
    private var mailbox: [Completion] = []
    /// Streaming bodies whose handler caught up: (fd, generation) to read again.
    private var resumes: [(Int32, UInt64)] = []
    private var takenResumes: [(Int32, UInt64)] = []
    /// Completions taken from the mailbox, reused between wakes.
    private var taken: [Completion] = []
    /// True while the loop is (about to be) blocked in epoll_wait with an empty mailbox: the
    /// first completion posted then writes the eventfd. While the loop runs, workers just
    /// append; the loop drains the mailbox once per wake, before it sleeps.
    private var sleeping = false
    private var stopRequested = false
    /// Jobs dispatched during this wake, handed to the pool in one batch before sleeping.
    private var pendingJobs: [WorkerPool.Job] = []
    private var stopping = false
    private var stopDeadline: UInt64 = 0

    private var now: UInt64 = Clock.monotonicMillis()
    private var currentSecond = 0
    private var dateHeader: [UInt8] = []
    private var logSecond: [UInt8] = []
    private var accessLog: AccessLog
    private var lastSweep: UInt64 = 0
    private var events = [UInt32](repeating: 0, count: 256)
    private var datas = [UInt64](repeating: 0, count: 256)
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    init(index: Int, listenFD: Int32, router: Router, config: ServerConfig, workers: WorkerPool, idPrefix: String) {
        self.index = index
        self.listenFD = listenFD
        self.router = router
        self.config = config
        self.workers = workers
        self.idPrefix = idPrefix
        self.accessLog = AccessLog(enabled: config.accessLog)
        epfd = csys_epoll_create()
        wakeFD = csys_eventfd()
        _ = csys_epoll_ctl(epfd, EPOLL_CTL_ADD, listenFD, EPOLLIN, UInt64(UInt32(bitPattern: listenFD)))
        _ = csys_epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, EPOLLIN, UInt64(UInt32(bitPattern: wakeFD)))
        refreshClock()
    }

    // MARK: cross-thread entry points

    func post(_ c: Completion) {
        mailboxLock.lock()
        mailbox.append(c)
        let wake = sleeping
        sleeping = false
        mailboxLock.unlock()
        if wake { _ = csys_eventfd_signal(wakeFD) }
    }

    /// A streaming body's consumer drained its buffer: read that connection again.
    func postResume(fd: Int32, generation: UInt64) {
        mailboxLock.lock()
        resumes.append((fd, generation))
        let wake = sleeping
        sleeping = false
        mailboxLock.unlock()
        if wake { _ = csys_eventfd_signal(wakeFD) }
    }

    func requestStop() {
        mailboxLock.lock()
        stopRequested = true
        mailboxLock.unlock()
        _ = csys_eventfd_signal(wakeFD)
    }

    // MARK: the loop

    func run() {
        while true {
            workers.submit(batch: &pendingJobs)
            var timeout: Int32 = accessLog.buffer.isEmpty ? 1000 : 200
            mailboxLock.lock()
            if mailbox.isEmpty && resumes.isEmpty && !(stopRequested && !stopping) { sleeping = true } else { timeout = 0 }
            mailboxLock.unlock()
            let n = Int(events.withUnsafeMutableBufferPointer { e in
                datas.withUnsafeMutableBufferPointer { d in
                    csys_epoll_wait(epfd, e.baseAddress, d.baseAddress, 256, timeout)
                }
            })
            refreshClock()
            if n > 0 {
                for i in 0..<n {
                    let fd = Int32(truncatingIfNeeded: datas[i])
                    let ev = events[i]
                    if fd == listenFD { acceptAll() }
                    else if fd == wakeFD { _ = csys_eventfd_drain(wakeFD) }
                    else if let conn = connections[fd] { handle(conn, ev) }
                }
            }
            drainMailbox()
            if accessLog.needsFlush || (now - accessLog.lastFlush >= 200) { accessLog.flush(now: now) }
            if now - lastSweep >= 1000 { sweep() }
            if stopping && (connections.isEmpty || now >= stopDeadline) { break }
        }
        for conn in Array(connections.values) { close(conn) }
        accessLog.flush(now: now)
        Glibc.close(epfd)
        Glibc.close(wakeFD)
    }

    private func refreshClock() {
        now = Clock.monotonicMillis()
        let wall = Clock.wallMillis()
        let sec = Int(wall / 1000)
        if sec != currentSecond {
            currentSecond = sec
            dateHeader = Array("Date: \(Clock.imfFixdate(sec))\r\n".utf8)
            logSecond = Array(Clock.chinaSecond(sec).utf8)
        }
    }

    private func drainMailbox() {
        mailboxLock.lock()
        sleeping = false
        swap(&mailbox, &taken)
        if !resumes.isEmpty { swap(&resumes, &takenResumes) }
        let stop = stopRequested
        mailboxLock.unlock()
        for (fd, generation) in takenResumes {
            guard let conn = connections[fd], conn.generation == generation, conn.streamPaused else { continue }
            conn.streamPaused = false
            drive(conn)
        }
        takenResumes.removeAll(keepingCapacity: true)
        for c in taken {
            guard let conn = connections[c.fd], conn.generation == c.generation else { continue }
            if conn.phase == .streaming {
                // Answered before the body ended: read the rest and drop it, then answer (a client
                // that is still sending may not read an answer that comes early).
                conn.stream?.abandon()
                conn.heldAnswer = c
                conn.streamPaused = false
                drive(conn)
                continue
            }
            finish(conn, c.response, method: c.method, path: c.path, requestID: c.requestID, started: c.started)
            drive(conn)
        }
        taken.removeAll(keepingCapacity: true)
        if stop && !stopping { beginStop() }
    }

    private func beginStop() {
        stopping = true
        stopDeadline = now + UInt64(config.shutdownGrace * 1000)
        if listenFD >= 0 {
            _ = csys_epoll_ctl(epfd, EPOLL_CTL_DEL, listenFD, 0, 0)
            Glibc.close(listenFD)
            listenFD = -1
        }
        for conn in Array(connections.values) {
            if conn.phase == .idle && !conn.pendingOutput { close(conn) }
            else if conn.phase == .streaming { conn.closeAfterStream = true } // the body keeps coming in
            else { conn.closeAfterWrite = conn.closeAfterWrite || conn.phase != .busy }
        }
    }

    // MARK: accept

    private func acceptAll() {
        while true {
            let fd = csys_accept4_nonblock(listenFD)
            if fd < 0 { return }
            if connections.count >= config.maxConnectionsPerLoop || stopping {
                Glibc.close(fd)
                continue
            }
            _ = csys_set_nodelay(fd)
            let conn = Connection(fd: fd, generation: nextGeneration, remote: peerAddress(fd), now: now)
            nextGeneration += 1
            connections[fd] = conn
            conn.interest = EPOLLIN | EPOLLRDHUP
            _ = csys_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, conn.interest, UInt64(UInt32(bitPattern: fd)))
        }
    }

    private func peerAddress(_ fd: Int32) -> String {
        var addr = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &len) }
        }
        guard ok == 0 else { return "unknown" }
        var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        var a = addr.sin_addr
        inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count))
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: events

    private func handle(_ conn: Connection, _ ev: UInt32) {
        if ev & (EPOLLERR) != 0 { close(conn); return }
        if ev & EPOLLOUT != 0 {
            if !flush(conn) { return }
            if !conn.pendingOutput && (conn.phase == .idle || conn.phase == .head) && conn.start < conn.end {
                drive(conn)
            }
        }
        if ev & (EPOLLIN | EPOLLHUP | EPOLLRDHUP) != 0 {
            // Not reading while a streaming body waits for its handler: a hang-up then is the end.
            if conn.streamPaused { if ev & EPOLLHUP != 0 { close(conn) }; return }
            if conn.phase == .draining {
                drainInput(conn)
                return
            }
            if conn.phase == .streaming && conn.chunked == nil && conn.start == conn.end && conn.bodyRemaining > 0 {
                readStreamDirect(conn)
                return
            }
            if !readInput(conn) { return }
            drive(conn)
        }
    }

    /// Reads what is available into the connection buffer. False when the connection closed.
    private func readInput(_ conn: Connection) -> Bool {
        // Make room: compact, then grow up to what the phase needs.
        if conn.start > 0 && (conn.start == conn.end || conn.input.count - conn.end < 4096) {
            let n = conn.end - conn.start
            if n > 0 {
                conn.input.withUnsafeMutableBytes { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + conn.start, n)
                }
            }
            conn.scanned = max(0, conn.scanned - conn.start)
            conn.start = 0
            conn.end = n
        }
        if conn.input.count - conn.end < 4096 {
            let limit = max(config.maxHeadBytes + 4096, 64 * 1024)
            if conn.input.count < limit {
                conn.input.append(contentsOf: [UInt8](repeating: 0, count: min(limit, conn.input.count * 2) - conn.input.count))
            } else if conn.phase == .busy {
                // Pipelined bytes pile up while a handler runs: stop reading until it answers.
                updateInterest(conn)
                return true
            }
        }
        let room = conn.input.count - conn.end
        guard room > 0 else { updateInterest(conn); return true }
        let n = conn.input.withUnsafeMutableBytes { b in
            Glibc.read(conn.fd, b.baseAddress! + conn.end, room)
        }
        if n > 0 {
            conn.end += n
            conn.lastActive = now
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return true }
        // EOF or error: a client that half-closes after a complete request still gets its answer.
        if n == 0 && conn.phase == .busy {
            conn.closeAfterWrite = true
            updateInterest(conn)
            return true
        }
        close(conn)
        return false
    }

    /// A streamed Content-Length body with nothing buffered: reads straight into the pieces the
    /// stream hands out (no copy through the connection buffer), up to the body's end.
    private func readStreamDirect(_ conn: Connection) {
        guard let stream = conn.stream else { return }
        while conn.bodyRemaining > 0 && !conn.streamPaused {
            let want = min(conn.bodyRemaining, SocketBodyStream.maxPiece)
            var got = 0
            var code: Int32 = 0
            let fd = conn.fd
            let piece = [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                got = Glibc.read(fd, buffer.baseAddress!, want)
                code = errno
                count = max(0, got)
            }
            if got > 0 {
                conn.lastActive = now
                conn.bodyRemaining -= got
                conn.streamed += got
                if !stream.push(piece) { conn.streamPaused = true }
                if got < want { break } // the socket is drained for now
                continue
            }
            if got < 0 && code == EINTR { continue }
            if got < 0 && code == EAGAIN { break }
            close(conn) // EOF or error mid-body: the stream fails with clientGone
            return
        }
        drive(conn)
    }

    /// Parses and serves as many buffered requests as possible.
    private func drive(_ conn: Connection) {
        while true {
            if conn.phase == .streaming {
                if conn.streamPaused || !pumpStream(conn) { break }
                continue
            }
            if conn.phase == .busy || conn.phase == .draining || conn.closeAfterWrite { break }
            if conn.output.count - conn.outputPos > 1 << 20 || conn.fileRemaining > 0 { break }
            if conn.phase == .idle {
                if conn.start == conn.end { break }
                conn.phase = .head
                conn.phaseStart = now
                conn.requestStarted = now
                conn.scanned = 0
            }
            if conn.phase == .head {
                let result = conn.input.withUnsafeBufferPointer { b in
                    HeadParser.parse(UnsafeBufferPointer(rebasing: b[conn.start..<conn.end]),
                                     scanFrom: conn.scanned, maxHeadBytes: config.maxHeadBytes)
                }
                switch result {
                case .incomplete(let scanned):
                    conn.scanned = scanned
                    updateAfterDrive(conn)
                    return
                case .failure(let e):
                    conn.head = nil
                    respondEarly(conn, e)
                    updateAfterDrive(conn)
                    return
                case .complete(let head):
                    if !beginBody(conn, head) { updateAfterDrive(conn); return }
                    if let route = conn.route, route.options.streamBody {
                        dispatchStreaming(conn, route)
                        continue
                    }
                }
            }
            if conn.phase == .body {
                switch readBody(conn) {
                case .needMore: updateAfterDrive(conn); return
                case .failed: updateAfterDrive(conn); return
                case .complete: dispatch(conn)
                }
            }
        }
        updateAfterDrive(conn)
    }

    private func updateAfterDrive(_ conn: Connection) {
        if conn.start == conn.end { conn.start = 0; conn.end = 0; conn.scanned = 0 }
        if conn.pendingOutput { _ = flush(conn) } else { updateInterest(conn) }
    }

    /// Routes the head and decides how the body is framed. False when an error was answered.
    private func beginBody(_ conn: Connection, _ head: RequestHead) -> Bool {
        conn.head = head
        conn.headBytes = conn.input.withUnsafeBufferPointer { Array($0[conn.start..<(conn.start + head.length)]) }
        conn.start += head.length
        let (pathStr, queryStr) = splitTarget(conn.headBytes, head)
        var maxBody = 1 << 20
        switch router.match(head.method, pathStr) {
        case .found(let route, let params):
            conn.route = route
            conn.params = params
            maxBody = route.options.maxBody
            if let limit = route.options.bodyLimit { maxBody = min(maxBody, max(0, limit(queryStr))) }
        case .methodNotAllowed(let allowed):
            conn.routeError = 405
            conn.allowed = allowed
        case .notFound:
            if router.fallback != nil { maxBody = 1 << 20 } else { conn.routeError = 404 }
        }
        conn.maxBody = maxBody
        let length = head.contentLength ?? 0
        if length > maxBody {
            respondEarly(conn, .payloadTooLarge)
            return false
        }
        if head.chunked {
            conn.chunked = ChunkedDecoder()
            conn.phase = .body
        } else if length > 0 {
            if conn.route?.options.streamBody != true { conn.body.reserveCapacity(length) }
            conn.bodyRemaining = length
            conn.phase = .body
        } else {
            conn.phase = .body
            conn.bodyRemaining = 0
        }
        conn.phaseStart = now
        if head.expectContinue && conn.start == conn.end && (head.chunked || length > 0) {
            // The client waits before sending the body (RFC 9110 §10.1.1): when the answer is
            // already decided (no route, wrong method, middleware refusing from the head), give
            // it now instead of the 100, and close (the body is never read).
            if let answer = answerBeforeBody(conn, head, path: pathStr, query: queryStr) {
                let requestID = makeRequestID(HTTPHeaders(storage: conn.headBytes, fields: head.fields))
                conn.closeAfterWrite = true
                conn.resetRequest()
                conn.start = conn.end
                finish(conn, answer, method: head.method, path: pathStr, requestID: requestID, started: Clock.monotonicMicros())
                return false
            }
            conn.output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
        }
        return true
    }

    /// The final answer to a request known from its head alone: 404/405 from routing, or a
    /// middleware's refusal (`Middleware.answerBeforeBody`). nil when the body is needed.
    private func answerBeforeBody(_ conn: Connection, _ head: RequestHead, path: String, query: String) -> Response? {
        if conn.routeError == 405 { return methodNotAllowed(conn.allowed) }
        if conn.routeError == 404 { return .error(.notFound) }
        guard let route = conn.route, let preflight = route.preflight else { return nil }
        let headers = HTTPHeaders(storage: conn.headBytes, fields: head.fields)
        let request = Request(method: head.method, path: path, rawQuery: query, headers: headers, body: [],
                              parameters: conn.params, requestID: "", remoteAddress: conn.remote)
        return preflight(request)
    }

    private func methodNotAllowed(_ allowed: [HTTPMethod]) -> Response {
        var r = Response.error(.methodNotAllowed)
        r.headers.append(("Allow", allowed.map(\.rawValue).sorted().joined(separator: ", ")))
        return r
    }

    enum BodyProgress { case needMore, complete, failed }

    /// Moves buffered body bytes into the request.
    private func readBody(_ conn: Connection) -> BodyProgress {
        let maxBody = conn.maxBody
        if var decoder = conn.chunked {
            var consumed = 0
            var body = conn.body
            conn.body = []
            let outcome = conn.input.withUnsafeBufferPointer { b in
                decoder.decode(UnsafeBufferPointer(rebasing: b[conn.start..<conn.end]), consumed: &consumed,
                               body: &body, limit: maxBody)
            }
            conn.body = body
            conn.start += consumed
            conn.chunked = decoder
            switch outcome {
            case .needMore: return .needMore
            case .done: conn.chunked = nil; return .complete
            case .failure(let e): respondEarly(conn, e); return .failed
            }
        }
        if conn.bodyRemaining > 0 {
            let n = min(conn.bodyRemaining, conn.end - conn.start)
            if n > 0 {
                conn.input.withUnsafeBufferPointer { b in
                    conn.body.append(contentsOf: UnsafeBufferPointer(rebasing: b[conn.start..<(conn.start + n)]))
                }
                conn.start += n
                conn.bodyRemaining -= n
            }
        }
        return conn.bodyRemaining == 0 ? .complete : .needMore
    }

    /// Moves buffered body bytes into the request's stream. True when the body is complete
    /// (or failed): the connection then waits for the handler's answer.
    private func pumpStream(_ conn: Connection) -> Bool {
        guard let stream = conn.stream else { return true }
        var outcome = BodyProgress.needMore
        var failure: APIError?
        var more = true
        if var decoder = conn.chunked {
            var batch: [UInt8] = []
            var consumed = 0
            let room = conn.maxBody - conn.streamed
            let result = conn.input.withUnsafeBufferPointer { b in
                decoder.decode(UnsafeBufferPointer(rebasing: b[conn.start..<conn.end]), consumed: &consumed, body: &batch, limit: room)
            }
            conn.start += consumed
            conn.chunked = decoder
            conn.streamed += batch.count
            if !batch.isEmpty { more = stream.push(batch) }
            switch result {
            case .needMore: break
            case .done: outcome = .complete
            case .failure(let e): failure = e; outcome = .failed
            }
        } else {
            let n = min(conn.bodyRemaining, conn.end - conn.start)
            if n > 0 {
                let piece = conn.input.withUnsafeBufferPointer { Array($0[conn.start..<(conn.start + n)]) }
                conn.start += n
                conn.bodyRemaining -= n
                conn.streamed += n
                more = stream.push(piece)
            }
            if conn.bodyRemaining == 0 { outcome = .complete }
        }
        switch outcome {
        case .needMore:
            if !more { conn.streamPaused = true }
            return false
        case .complete:
            stream.finish()
        case .failed:
            // The handler's next read throws this error, and its answer closes the connection.
            stream.fail(failure ?? .badRequest())
            conn.closeAfterStream = true
            conn.start = conn.end
        }
        let close = conn.closeAfterStream
        let held = conn.heldAnswer
        conn.resetRequest()
        conn.phase = .busy
        if close { conn.closeAfterWrite = true }
        if let c = held {
            finish(conn, c.response, method: c.method, path: c.path, requestID: c.requestID, started: c.started)
        }
        return true
    }

    /// Starts a streaming route's handler on a worker as soon as its head is read; the body
    /// follows through `conn.stream`.
    private func dispatchStreaming(_ conn: Connection, _ route: Router.Route) {
        guard let head = conn.head else { return }
        let started = Clock.monotonicMicros()
        let headers = HTTPHeaders(storage: conn.headBytes, fields: head.fields)
        let (path, query) = splitTarget(conn.headBytes, head)
        let requestID = makeRequestID(headers)
        conn.closeAfterStream = !head.keepAlive || stopping
        conn.announceKeepAlive = head.minorVersion == 0 && head.keepAlive
        let fd = conn.fd, generation = conn.generation
        let stream = SocketBodyStream(declaredLength: head.chunked ? nil : (head.contentLength ?? 0)) { [self] in
            self.postResume(fd: fd, generation: generation)
        }
        conn.stream = stream
        conn.streamed = 0
        conn.streamPaused = false
        conn.phase = .streaming
        conn.phaseStart = now
        let request = Request(method: head.method, path: path, rawQuery: query, headers: headers, body: [],
                              parameters: conn.params, requestID: requestID, remoteAddress: conn.remote, bodyStream: stream)
        let handler = route.handler
        let method = head.method
        pendingJobs.append { [self] in
            let response = EventLoop.run(handler, request)
            self.post(Completion(fd: fd, generation: generation, response: response, method: method, path: path,
                                 requestID: requestID, started: started))
        }
    }

    private func splitTarget(_ bytes: [UInt8], _ head: RequestHead) -> (String, String) {
        bytes.withUnsafeBufferPointer { b in
            var q = head.targetEnd
            for i in head.targetStart..<head.targetEnd where b[i] == 63 /* ? */ { q = i; break }
            let path = head.emptyPath ? "/" : String(decoding: UnsafeBufferPointer(rebasing: b[head.targetStart..<q]), as: UTF8.self)
            let query = q < head.targetEnd
                ? String(decoding: UnsafeBufferPointer(rebasing: b[(q + 1)..<head.targetEnd]), as: UTF8.self) : ""
            return (path, query)
        }
    }

    private func makeRequestID(_ headers: HTTPHeaders) -> String {
        if let given = headers["x-request-id"], given.utf8.count <= 64, !given.isEmpty,
           given.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 || $0 == 46 }) {
            return given
        }
        requestCounter += 1
        return idPrefix + String(requestCounter, radix: 36)
    }

    /// Runs the request's handler inline or on a worker.
    private func dispatch(_ conn: Connection) {
        guard let head = conn.head else { return }
        let started = Clock.monotonicMicros()
        let headers = HTTPHeaders(storage: conn.headBytes, fields: head.fields)
        let (path, query) = splitTarget(conn.headBytes, head)
        let requestID = makeRequestID(headers)
        if !head.keepAlive || stopping { conn.closeAfterWrite = true }
        // An HTTP/1.0 client keeps the connection only when the answer says so.
        conn.announceKeepAlive = head.minorVersion == 0 && head.keepAlive
        let request = Request(method: head.method, path: path, rawQuery: query, headers: headers, body: conn.body,
                              parameters: conn.params, requestID: requestID, remoteAddress: conn.remote)
        let handler: Handler
        var inline = false
        if let route = conn.route {
            handler = route.handler
            inline = route.options.inline
        } else if conn.routeError == 405 {
            let r = methodNotAllowed(conn.allowed)
            handler = { _ in r }
            inline = true
        } else if let fb = router.fallback {
            handler = fb
        } else {
            handler = { _ in .error(.notFound) }
            inline = true
        }
        let method = head.method
        conn.resetRequest()
        if inline {
            let response = EventLoop.run(handler, request)
            finish(conn, response, method: method, path: path, requestID: requestID, started: started)
            return
        }
        conn.phase = .busy
        let fd = conn.fd, generation = conn.generation
        pendingJobs.append { [self] in
            let response = EventLoop.run(handler, request)
            self.post(Completion(fd: fd, generation: generation, response: response, method: method, path: path,
                                 requestID: requestID, started: started))
        }
    }

    /// Calls a handler, turning thrown errors into the envelope.
    static func run(_ handler: Handler, _ request: Request) -> Response {
        do {
            return try handler(request)
        } catch let e as APIError {
            return .error(e)
        } catch is BodyStreamError {
            // A streaming body whose client went away: nobody reads this answer.
            return .error(.badRequest("上传中断，请重新上传", code: "upload_interrupted"))
        } catch {
            Logger(service: "http").error("handler failed", ["rid": request.requestID, "error": String(describing: error)])
            return .error(.internalError)
        }
    }

    /// An error answered before the request was fully read: the connection closes after it.
    private func respondEarly(_ conn: Connection, _ e: APIError) {
        let method = conn.head?.method ?? .GET
        conn.closeAfterWrite = true
        conn.resetRequest()
        conn.start = conn.end
        finish(conn, .error(e), method: method, path: "-", requestID: idPrefix + "e", started: Clock.monotonicMicros())
    }

    /// Serialises a response into the connection's output and logs it.
    private func finish(_ conn: Connection, _ r: Response, method: HTTPMethod, path: String, requestID: String, started: UInt64) {
        if conn.phase == .busy { conn.phase = .idle }
        if conn.phase == .streaming {
            // Answered before the whole body arrived: the rest is drained and the connection closed.
            conn.stream?.abandon()
            conn.resetRequest()
            conn.start = conn.end
            conn.closeAfterWrite = true
        }
        if stopping { conn.closeAfterWrite = true }
        var out = conn.output
        conn.output = []
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendInt(&out, r.status)
        out.append(32)
        let reason = StatusText.reason(r.status)
        out.append(contentsOf: UnsafeBufferPointer(start: reason.utf8Start, count: reason.utf8CodeUnitCount))
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: dateHeader)
        if let ct = r.contentType {
            out.append(contentsOf: "Content-Type: ".utf8); out.append(contentsOf: ct.utf8); out.append(contentsOf: "\r\n".utf8)
        }
        let bodyCount = r.bodyCount
        if r.status != 204 && r.status != 304 {
            out.append(contentsOf: "Content-Length: ".utf8); appendInt(&out, bodyCount); out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "X-Request-Id: ".utf8); out.append(contentsOf: requestID.utf8); out.append(contentsOf: "\r\n".utf8)
        for (name, value) in r.headers {
            out.append(contentsOf: name.utf8); out.append(contentsOf: ": ".utf8)
            // Header values never carry CR/LF (response splitting).
            for c in value.utf8 where c != 13 && c != 10 { out.append(c) }
            out.append(contentsOf: "\r\n".utf8)
        }
        if conn.closeAfterWrite { out.append(contentsOf: "Connection: close\r\n".utf8) }
        else if conn.announceKeepAlive { out.append(contentsOf: "Connection: keep-alive\r\n".utf8) }
        out.append(contentsOf: "\r\n".utf8)
        if method != .HEAD {
            switch r.body {
            case .bytes(let b): out.append(contentsOf: b)
            case .file(let path, let size):
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                if fd >= 0 {
                    conn.fileFD = fd; conn.fileOffset = 0; conn.fileRemaining = size
                } else {
                    conn.closeAfterWrite = true // headers promised a body we cannot send
                }
            }
        }
        conn.output = out
        let micros = Clock.monotonicMicros() &- started
        accessLog.append(second: logSecond, millis: Clock.wallMillis(), requestID: requestID, client: conn.remote,
                         method: method, path: nil, pathString: path, status: r.status, bytes: bodyCount, micros: micros)
    }

    private func appendInt(_ out: inout [UInt8], _ v: Int) {
        if v >= 10 { appendInt(&out, v / 10) }
        out.append(UInt8(48 + v % 10))
    }

    /// Writes pending output. False when the connection was closed.
    @discardableResult
    private func flush(_ conn: Connection) -> Bool {
        while conn.outputPos < conn.output.count {
            let n = conn.output.withUnsafeBytes { b in
                send(conn.fd, b.baseAddress! + conn.outputPos, conn.output.count - conn.outputPos, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { conn.outputPos += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { updateInterest(conn); return true }
            close(conn); return false
        }
        if conn.output.capacity > 1 << 20 { conn.output = []; conn.output.reserveCapacity(4096) }
        else { conn.output.removeAll(keepingCapacity: true) }
        conn.outputPos = 0
        while conn.fileRemaining > 0 {
            var off = off_t(conn.fileOffset)
            let n = sendfile(conn.fd, conn.fileFD, &off, min(conn.fileRemaining, 1 << 20))
            if n > 0 { conn.fileOffset += n; conn.fileRemaining -= n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN { updateInterest(conn); return true }
            // File shorter than promised or I/O error: the framing is broken, close.
            close(conn); return false
        }
        if conn.fileFD >= 0 { Glibc.close(conn.fileFD); conn.fileFD = -1 }
        conn.lastActive = now
        if conn.closeAfterWrite && conn.phase != .busy {
            // Half-close and drain so unread bytes do not make the kernel reset the reply.
            shutdown(conn.fd, Int32(SHUT_WR))
            conn.phase = .draining
            conn.phaseStart = now
        }
        updateInterest(conn)
        return true
    }

    private func drainInput(_ conn: Connection) {
        while true {
            let n = scratch.withUnsafeMutableBytes { Glibc.read(conn.fd, $0.baseAddress!, $0.count) }
            if n > 0 { continue }
            if n < 0 && errno == EAGAIN { return }
            close(conn); return
        }
    }

    private func updateInterest(_ conn: Connection) {
        var want: UInt32 = EPOLLRDHUP
        let backlog = conn.output.count - conn.outputPos > 1 << 20
        let bufferFull = conn.input.count - conn.end < 1024 && conn.start == 0 && conn.input.count >= max(config.maxHeadBytes + 4096, 64 * 1024)
        if conn.streamPaused { want = 0 } // the handler catches up first (resumed by postResume)
        else if conn.phase == .draining { want |= EPOLLIN }
        else if conn.phase != .busy && !conn.closeAfterWrite && !backlog && !bufferFull { want |= EPOLLIN }
        else if conn.phase == .busy && !bufferFull && !conn.closeAfterWrite { want |= EPOLLIN }
        if conn.pendingOutput { want |= EPOLLOUT }
        if want != conn.interest {
            conn.interest = want
            _ = csys_epoll_ctl(epfd, EPOLL_CTL_MOD, conn.fd, want, UInt64(UInt32(bitPattern: conn.fd)))
        }
    }

    private func close(_ conn: Connection) {
        guard connections.removeValue(forKey: conn.fd) != nil else { return }
        if let stream = conn.stream { stream.fail(BodyStreamError.clientGone); conn.stream = nil }
        _ = csys_epoll_ctl(epfd, EPOLL_CTL_DEL, conn.fd, 0, 0)
        if conn.fileFD >= 0 { Glibc.close(conn.fileFD); conn.fileFD = -1 }
        Glibc.close(conn.fd)
    }

    /// Once a second: time out slow heads and bodies (408), idle keep-alives and drains.
    private func sweep() {
        lastSweep = now
        let headMs = UInt64(config.headTimeout * 1000)
        let bodyMs = UInt64(config.bodyTimeout * 1000)
        let idleMs = UInt64(config.idleTimeout * 1000)
        for conn in Array(connections.values) {
            switch conn.phase {
            case .head where now - conn.phaseStart > headMs,
                 .body where now - conn.phaseStart > bodyMs:
                respondEarly(conn, .requestTimeout)
                _ = flush(conn)
            case .streaming where !conn.streamPaused && now - conn.phaseStart > bodyMs:
                // Too slow: the handler's next read throws 408, and its answer closes.
                conn.stream?.fail(APIError.requestTimeout)
                let held = conn.heldAnswer
                conn.resetRequest()
                conn.start = conn.end
                conn.phase = .busy
                conn.closeAfterWrite = true
                if let c = held {
                    finish(conn, c.response, method: c.method, path: c.path, requestID: c.requestID, started: c.started)
                    _ = flush(conn)
                } else {
                    updateInterest(conn)
                }
            case .idle where !conn.pendingOutput && now - conn.lastActive > idleMs:
                close(conn)
            case .draining where now - conn.phaseStart > 2000:
                close(conn)
            case .idle where conn.pendingOutput && now - conn.lastActive > idleMs:
                close(conn) // a reader that stopped reading
            default:
                break
            }
        }
    }
}
