import Foundation
import XCTest
@testable import KitHTTP
import Models
#if canImport(Glibc)
import Glibc
#endif

/// `RouteOptions.streamBody`: the handler reads the body as it arrives, over a real server.
final class StreamingBodyTests: XCTestCase {
    var server: HTTPServer!
    /// What streaming handlers saw, for the tests to poll.
    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var _errors: [String] = []
        private var _chunks = 0
        private var _runs = 0
        var errors: [String] { lock.lock(); defer { lock.unlock() }; return _errors }
        var chunks: Int { lock.lock(); defer { lock.unlock() }; return _chunks }
        var runs: Int { lock.lock(); defer { lock.unlock() }; return _runs }
        func error(_ e: Error) { lock.lock(); _errors.append(String(describing: e)); lock.unlock() }
        func chunk() { lock.lock(); _chunks += 1; lock.unlock() }
        func run() { lock.lock(); _runs += 1; lock.unlock() }
    }
    let box = Box()

    /// FNV-1a over the bytes: checks content and order without keeping them.
    static func fnv(_ bytes: [UInt8], _ h: inout UInt64) {
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
    }
    static func fnv(_ bytes: [UInt8]) -> UInt64 { var h: UInt64 = 0xcbf29ce484222325; fnv(bytes, &h); return h }

    override func setUpWithError() throws {
        let router = Router()
        let box = self.box
        // Reads the whole stream: "<bytes> <fnv> <declared or -> <streamed?>".
        let consume: Handler = { req in
            box.run()
            guard let stream = req.bodyStream else { return .text("no stream") }
            var h: UInt64 = 0xcbf29ce484222325
            var n = 0
            do {
                while let chunk = try stream.next() {
                    XCTAssertFalse(chunk.isEmpty)
                    box.chunk()
                    n += chunk.count
                    StreamingBodyTests.fnv(chunk, &h)
                }
            } catch {
                box.error(error)
                throw error
            }
            return .text("\(n) \(h) \(stream.declaredLength.map(String.init) ?? "-") \(req.body.isEmpty)")
        }
        router.post("/stream", options: RouteOptions(maxBody: 64 << 20, streamBody: true), consume)
        router.post("/small", options: RouteOptions(maxBody: 1000, streamBody: true), consume)
        router.post("/limited", options: RouteOptions(maxBody: 64 << 20, bodyLimit: { q in q == "tight" ? 100 : 1 << 20 },
                                                      streamBody: true), consume)
        // Answers without reading the body.
        router.post("/refuse", options: RouteOptions(maxBody: 64 << 20, streamBody: true)) { _ in
            box.run()
            return .error(.forbidden)
        }
        // Waits (polling, bounded) until the server stopped reading because nothing was consumed,
        // then reads everything: "<bytes> <fnv> <peak buffered> <paused>".
        router.post("/backpressure", options: RouteOptions(maxBody: 64 << 20, streamBody: true)) { req in
            guard let stream = req.bodyStream as? SocketBodyStream else { return .text("no stream") }
            let deadline = Date().addingTimeInterval(20)
            while !stream.bufferState.paused && Date() < deadline { usleep(1000) }
            let pausedBeforeReading = stream.bufferState.paused
            var h: UInt64 = 0xcbf29ce484222325
            var n = 0
            while let chunk = try stream.next() { n += chunk.count; StreamingBodyTests.fnv(chunk, &h) }
            let state = stream.bufferState
            return .text("\(n) \(h) \(state.peak) \(pausedBeforeReading) \(state.pauses)")
        }
        router.post("/buffered", options: RouteOptions(maxBody: 1 << 20)) { req in
            .text("\(req.body.count) \(req.bodyStream == nil)")
        }
        server = try startTestServer(router) { config in
            config.eventLoops = 1
            config.headTimeout = 10
            config.bodyTimeout = 30
            config.idleTimeout = 60
        }
    }

    override func tearDown() {
        server.shutdown()
    }

    func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) } }

    func text(_ r: (status: Int, headers: [String: String], body: [UInt8])) -> [String] {
        String(decoding: r.body, as: UTF8.self).split(separator: " ").map(String.init)
    }

    /// Polls until `condition` holds (bounded; never a fixed sleep).
    func waitFor(_ what: String, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(15)
        while !condition() {
            if Date() > deadline { XCTFail("timed out waiting for \(what)"); return }
            usleep(2000)
        }
    }

    func testContentLengthBodyArrivesWholeAndInOrder() throws {
        let body = pattern(5 << 20 + 123)
        let c = try RawClient(port: server.port)
        c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
        c.send(body)
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 200)
        let t = text(r[0])
        XCTAssertEqual(t, ["\(body.count)", "\(StreamingBodyTests.fnv(body))", "\(body.count)", "true"])
        // The body came in pieces, not as one buffer.
        XCTAssertGreaterThan(box.chunks, 1)
    }

    func testChunkedBodyAndKeepAlive() throws {
        let body = pattern(300_000)
        var wire = Array("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        var i = 0
        for size in [1, 70_000, 5, 100_000] + [Int](repeating: 1000, count: 200) where i < body.count {
            let n = min(size, body.count - i)
            wire += Array(String(n, radix: 16).utf8) + [13, 10] + body[i..<(i + n)] + [13, 10]
            i += n
        }
        if i < body.count { wire += Array(String(body.count - i, radix: 16).utf8) + [13, 10] + body[i...] + [13, 10] }
        wire += Array("0\r\n\r\n".utf8)
        // A second request on the same connection: the connection is reused after a streamed body.
        wire += Array("POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc".utf8)
        let c = try RawClient(port: server.port)
        c.send(wire)
        let r = c.readResponses(2)
        XCTAssertEqual(r.count, 2)
        XCTAssertEqual(text(r[0]), ["\(body.count)", "\(StreamingBodyTests.fnv(body))", "-", "true"])
        XCTAssertEqual(String(decoding: r[1].body, as: UTF8.self), "3 true")
    }

    func testDeclaredLengthOverLimitRefusedBeforeTheHandler() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n")
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 413)
        XCTAssertEqual(box.runs, 0)
        // The per-request limit (from the query) applies to streaming routes too.
        let c2 = try RawClient(port: server.port)
        c2.send("POST /limited?tight HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n")
        XCTAssertEqual(c2.readResponses(1).first?.status, 413)
        XCTAssertEqual(box.runs, 0)
    }

    func testChunkedBodyOverLimitMidStreamIs413() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        c.send("258\r\n" + String(repeating: "a", count: 600) + "\r\n")
        waitFor("the first piece to be read") { box.chunks >= 1 }
        c.send("258\r\n" + String(repeating: "b", count: 600) + "\r\n0\r\n\r\n")
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 413)
        XCTAssertEqual(r.first?.headers["connection"], "close")
        waitFor("the handler to see the error") { !box.errors.isEmpty }
        XCTAssertTrue(box.errors[0].contains("payload_too_large"), box.errors[0])
    }

    func testMalformedChunkMidStreamIs400() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n")
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 400)
    }

    func testClientDisconnectMidBodyEndsTheHandlersRead() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        c.send(pattern(10_000))
        waitFor("the handler to read the first bytes") { box.chunks >= 1 }
        shutdown(c.fd, Int32(SHUT_RDWR))
        waitFor("the handler to see the disconnect") { !box.errors.isEmpty }
        XCTAssertTrue(box.errors[0].contains("clientGone"), box.errors[0])
        // The server still serves.
        let c2 = try RawClient(port: server.port)
        c2.send("POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        XCTAssertEqual(c2.readResponses(1).first?.status, 200)
    }

    func testSlowClientPieceByPiece() throws {
        let c = try RawClient(port: server.port)
        let pieces = (0..<6).map { pattern(1000 + $0) }
        let total = pieces.reduce(0) { $0 + $1.count }
        c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: \(total)\r\n\r\n")
        var all: [UInt8] = []
        for (i, p) in pieces.enumerated() {
            c.send(p)
            all += p
            // The next piece only after the handler has read this one: the body trickles in.
            waitFor("piece \(i) to be read") { box.chunks >= i + 1 }
        }
        let r = c.readResponses(1)
        XCTAssertEqual(text(r[0]), ["\(total)", "\(StreamingBodyTests.fnv(all))", "\(total)", "true"])
        XCTAssertEqual(box.chunks, pieces.count)
    }

    func testBackpressureBoundsWhatIsBuffered() throws {
        let body = pattern(8 << 20)
        let c = try RawClient(port: server.port)
        let fd = c.fd
        let wire = Array("POST /backpressure HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        // The sender blocks once the server stops reading; this thread reads the answer.
        let sender = Thread {
            var off = 0
            while off < wire.count {
                let n = wire.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, wire.count - off, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                off += n
            }
        }
        sender.start()
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 200)
        let t = text(r[0])
        XCTAssertEqual(t.count, 5)
        guard t.count == 5 else { return }
        XCTAssertEqual(t[0], "\(body.count)")
        XCTAssertEqual(t[1], "\(StreamingBodyTests.fnv(body))")
        // The loop stopped reading while the handler read nothing, holding at most the high
        // water mark plus one read's worth, far less than the 8 MiB body.
        XCTAssertEqual(t[3], "true")
        XCTAssertLessThanOrEqual(Int(t[2]) ?? .max, SocketBodyStream.highWater + SocketBodyStream.maxPiece)
        XCTAssertGreaterThanOrEqual(Int(t[4]) ?? 0, 1)
    }

    func testAnswerBeforeTheBodyEndsWaitsForTheBodyThenKeepsTheConnection() throws {
        // The handler answers without reading; the server reads the rest of the body, drops it,
        // then answers (a client still sending may not read an early answer), and the
        // connection carries on.
        let body = pattern(6 << 20)
        let c = try RawClient(port: server.port)
        c.send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
        c.send(Array(body[0..<100_000]))
        waitFor("the handler to answer") { box.runs == 1 }
        c.send(Array(body[100_000...]))
        c.send("POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        let r = c.readResponses(2)
        XCTAssertEqual(r.first?.status, 403)
        XCTAssertNil(r.first?.headers["connection"])
        XCTAssertEqual(r.count, 2)
        XCTAssertEqual(String(decoding: r.last?.body ?? [], as: UTF8.self), "2 true")
    }

    func testChunkedBodyOverLimitAfterAnEarlyAnswerCloses() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /refuse HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        waitFor("the handler to answer") { box.runs == 1 }
        // Past the route's 64 MiB limit the rest is not read: the held answer goes out, and the connection closes.
        c.send("10000000\r\n")
        c.send(pattern(1000))
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 403)
        XCTAssertEqual(r.first?.headers["connection"], "close")
    }

    func testExpectContinueOnAStreamingRoute() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let first = c.readResponses(1)
        XCTAssertEqual(first.first?.status, 100)
        c.send("hello")
        let r = c.readResponses(1)
        XCTAssertEqual(text(r[0]).first, "5")
    }

    func testEmptyBodyEndsAtOnce() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        let r = c.readResponses(1)
        XCTAssertEqual(text(r[0]), ["0", "\(StreamingBodyTests.fnv([]))", "0", "true"])
    }

    func testBufferedBodyStreamHandsOutTheBytesInChunks() throws {
        let bytes = pattern(1000)
        let s = BufferedBodyStream(bytes, chunkSize: 300)
        var chunks: [[UInt8]] = []
        while let chunk = try s.next() { chunks.append(chunk) }
        XCTAssertEqual(chunks.map(\.count), [300, 300, 300, 100])
        XCTAssertEqual(Array(chunks.joined()), bytes)
        XCTAssertNil(try s.next())
        XCTAssertEqual(s.declaredLength, 1000)
    }
}
