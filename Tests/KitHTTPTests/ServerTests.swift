import Foundation
import XCTest
@testable import KitHTTP
import Models

struct Echo: Codable, Sendable { let method: String; let path: String; let query: [String: String]; let body: String; let params: [String: String] }

final class ServerTests: XCTestCase {
    static let big = [UInt8](repeating: 120, count: 3 << 20)
    var server: HTTPServer!

    override func setUpWithError() throws {
        let router = Router()
        let echo: Handler = { req in
            .json(Echo(method: req.method.rawValue, path: req.path, query: req.query,
                       body: String(decoding: req.body, as: UTF8.self), params: req.parameters))
        }
        router.get("/inline/:id", options: .inline, echo)
        router.get("/worker/:id", echo)
        router.post("/echo", options: RouteOptions(maxBody: 64), echo)
        router.post("/upload", options: RouteOptions(maxBody: 4 << 20)) { req in .text("\(req.body.count)") }
        router.get("/slow") { _ in Thread.sleep(forTimeInterval: 0.5); return .text("slow done") }
        router.get("/boom") { _ in throw NSError(domain: "test", code: 1) }
        router.get("/denied") { _ in throw APIError.forbidden }
        router.get("/big", options: .inline) { _ in Response(contentType: "application/octet-stream", body: ServerTests.big) }
        let file = NSTemporaryDirectory() + "kit-http-file-\(getpid()).bin"
        _ = FileManager.default.createFile(atPath: file, contents: Data(repeating: 65, count: 200_000))
        router.get("/file") { _ in Response(contentType: "application/octet-stream", file: file, size: 200_000) }
        server = try startTestServer(router)
    }

    override func tearDown() {
        server.shutdown()
    }

    func json(_ body: [UInt8]) -> Echo? { try? JSONDecoder().decode(Echo.self, from: Data(body)) }

    func testKeepAliveAndParams() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/a%2Fb?x=1&y=%E4%B8%AD HTTP/1.1\r\nHost: t\r\n\r\n")
        let r1 = c.readResponses(1)
        XCTAssertEqual(r1.first?.status, 200)
        let e = json(r1[0].body)
        XCTAssertEqual(e?.params["id"], "a/b")
        XCTAssertEqual(e?.query, ["x": "1", "y": "中"])
        XCTAssertNotNil(r1[0].headers["x-request-id"])
        XCTAssertNotNil(r1[0].headers["date"])
        c.send("GET /worker/7 HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n")
        let r2 = c.readResponses(1)
        XCTAssertEqual(json(r2[0].body)?.params["id"], "7")
        XCTAssertEqual(r2[0].headers["x-request-id"], "abc-123")
    }

    func testHTTP10KeepAliveIsAnnounced() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/1 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.headers["connection"], "keep-alive")
        c.send("GET /inline/2 HTTP/1.0\r\n\r\n")
        let data = c.readAll() // without keep-alive the server closes after answering
        XCTAssertEqual(RawClient.parseOne(data)?.0.1["connection"], "close")
    }

    func testPipelinedRequestsAnsweredInOrder() throws {
        let c = try RawClient(port: server.port)
        var s = ""
        for i in 0..<10 { s += "GET /\(i % 2 == 0 ? "worker" : "inline")/\(i) HTTP/1.1\r\nHost: t\r\n\r\n" }
        s += "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
        s += "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        c.send(s)
        let rs = c.readResponses(12)
        XCTAssertEqual(rs.count, 12)
        for i in 0..<10 { XCTAssertEqual(json(rs[i].body)?.params["id"], String(i)) }
        XCTAssertEqual(json(rs[10].body)?.body, "hello")
        XCTAssertEqual(json(rs[11].body)?.body, "abcde")
    }

    func testChunkedBodySentSlowly() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in ["4\r", "\nWi", "ki\r\n", "0\r\n", "\r\n"] {
            Thread.sleep(forTimeInterval: 0.05)
            c.send(piece)
        }
        let r = c.readResponses(1)
        XCTAssertEqual(json(r[0].body)?.body, "Wiki")
    }

    func testBodyLimitAnswered413BeforeBody() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
        let data = c.readAll() // closed by the server without us sending the body
        let (resp, _) = RawClient.parseOne(data)!
        XCTAssertEqual(resp.0, 413)
        XCTAssertEqual(resp.1["connection"], "close")
        let env = try JSONDecoder().decode(ErrorEnvelope.self, from: Data(resp.2))
        XCTAssertEqual(env.error.code, "payload_too_large")
    }

    func testChunkedOverLimitIs413() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n" + String(repeating: "x", count: 256) + "\r\n0\r\n\r\n")
        XCTAssertEqual(RawClient.parseOne(c.readAll())?.0.0, 413)
    }

    func testExpectContinue() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        let first = c.readResponses(1)
        XCTAssertEqual(first.first?.status, 100)
        c.send("abc")
        XCTAssertEqual(String(decoding: c.readResponses(1)[0].body, as: UTF8.self), "3")
    }

    func testLargeUploadAndLargeResponse() throws {
        let c = try RawClient(port: server.port)
        let body = [UInt8](repeating: 7, count: 3 << 20)
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n")
        c.send(body)
        XCTAssertEqual(String(decoding: c.readResponses(1)[0].body, as: UTF8.self), String(body.count))
        c.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        let r = c.readResponses(1)
        XCTAssertEqual(r[0].body.count, ServerTests.big.count)
        c.send("GET /file HTTP/1.1\r\nHost: t\r\n\r\n")
        let f = c.readResponses(1)
        XCTAssertEqual(f[0].body.count, 200_000)
        XCTAssertTrue(f[0].body.allSatisfy { $0 == 65 })
    }

    func testSlowHeadGets408AndClose() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/1 HTTP/1.1\r\nHost: slowloris\r\n")
        let start = Date()
        let data = c.readAll()
        XCTAssertEqual(RawClient.parseOne(data)?.0.0, 408)
        XCTAssertLessThan(Date().timeIntervalSince(start), 8) // bounded, not hanging
    }

    func testSlowBodyGets408() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        XCTAssertEqual(RawClient.parseOne(c.readAll())?.0.0, 408)
    }

    func testIdleConnectionClosed() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/1 HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(c.readResponses(1).count, 1)
        XCTAssertEqual(c.readAll().count, 0) // closed by the server after the idle timeout
    }

    func testErrorsUseEnvelopeAndServerSurvives() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\nGET /denied HTTP/1.1\r\nHost: t\r\n\r\nGET /missing HTTP/1.1\r\nHost: t\r\n\r\nDELETE /echo HTTP/1.1\r\nHost: t\r\n\r\nGET /inline/ok HTTP/1.1\r\nHost: t\r\n\r\n")
        let rs = c.readResponses(5)
        XCTAssertEqual(rs.map(\.status), [500, 403, 404, 405, 200])
        let codes = rs.prefix(4).map { (try? JSONDecoder().decode(ErrorEnvelope.self, from: Data($0.body)))?.error.code }
        XCTAssertEqual(codes, ["internal_error", "forbidden", "not_found", "method_not_allowed"])
        XCTAssertEqual(rs[3].headers["allow"], "POST")
    }

    func testMalformedGets400AndClose() throws {
        let c = try RawClient(port: server.port)
        c.send("GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\nGET /inline/1 HTTP/1.1\r\nHost: t\r\n\r\n")
        let data = c.readAll()
        let (first, used) = RawClient.parseOne(data)!
        XCTAssertEqual(first.0, 400)
        XCTAssertEqual(used, data.count) // nothing after the 400: the connection was closed
    }

    func testHalfCloseAfterRequestStillAnswered() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /worker/1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        shutdown(c.fd, Int32(SHUT_WR))
        XCTAssertEqual(RawClient.parseOne(c.readAll())?.0.0, 200)
    }

    func testGracefulShutdownFinishesInFlight() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        let done = expectation(description: "shutdown")
        let server = self.server!
        DispatchQueue.global().async { server.shutdown(); done.fulfill() }
        let r = c.readResponses(1)
        XCTAssertEqual(String(decoding: r.first?.body ?? [], as: UTF8.self), "slow done")
        XCTAssertEqual(r.first?.headers["connection"], "close")
        wait(for: [done], timeout: 10)
        XCTAssertThrowsError(try RawClient(port: server.port))
        // tearDown calls shutdown again: must be harmless.
    }

    func testManyConcurrentClients() throws {
        let port = server.port
        let group = DispatchGroup()
        final class Counter: @unchecked Sendable { let lock = NSLock(); var ok = 0 }
        let counter = Counter()
        for t in 0..<16 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                guard let c = try? RawClient(port: port) else { return }
                for i in 0..<20 {
                    c.send("GET /\(i % 2 == 0 ? "inline" : "worker")/\(t)-\(i) HTTP/1.1\r\nHost: t\r\n\r\n")
                    if let r = c.readResponses(1).first, r.status == 200 { counter.lock.lock(); counter.ok += 1; counter.lock.unlock() }
                }
            }
        }
        group.wait()
        XCTAssertEqual(counter.ok, 320)
    }
}
