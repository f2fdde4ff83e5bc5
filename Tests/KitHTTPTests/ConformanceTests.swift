import Foundation
import XCTest
@testable import KitHTTP
import Models

/// RFC 9112 / RFC 9110 MUSTs checked over a raw socket against a real server.
final class ConformanceTests: XCTestCase {
    var server: HTTPServer!

    /// Refuses requests without a bearer token, from the head (so before any body) and in `handle`.
    struct BearerRequired: Middleware {
        static func refusal(_ r: Request) -> Response? {
            r.headers["authorization"]?.hasPrefix("Bearer ") == true ? nil : .error(.unauthorized)
        }
        func answerBeforeBody(_ head: Request) -> Response? { BearerRequired.refusal(head) }
        func handle(_ request: Request, next: Handler) throws -> Response {
            if let r = BearerRequired.refusal(request) { return r }
            return try next(request)
        }
    }

    override func setUpWithError() throws {
        let router = Router()
        let echo: Handler = { req in
            .json(Echo(method: req.method.rawValue, path: req.path, query: req.query,
                       body: String(decoding: req.body, as: UTF8.self), params: req.parameters))
        }
        router.get("/", options: .inline, echo)
        router.get("/inline/:id", options: .inline, echo)
        router.get("/worker/:id", echo)
        router.post("/echo", options: RouteOptions(maxBody: 64), echo)
        router.post("/upload", options: RouteOptions(maxBody: 1 << 20)) { req in .text("\(req.body.count)") }
        // A route that decides from the head itself (no middleware).
        router.post("/closed", options: RouteOptions(answerBeforeBody: { _ in .error(APIError(409, "closed", "已关闭")) })) { _ in
            .text("unreachable")
        }
        router.use(BearerRequired())
        router.post("/secure", options: RouteOptions(maxBody: 1 << 20)) { req in .text("\(req.body.count)") }
        server = try startTestServer(router)
    }

    override func tearDown() {
        server.shutdown()
    }

    func json(_ body: [UInt8]) -> Echo? { try? JSONDecoder().decode(Echo.self, from: Data(body)) }

    /// All responses in `data` (the server closed the connection after the last one).
    func responses(_ data: [UInt8]) -> [(status: Int, headers: [String: String], body: [UInt8])] {
        var rest = data
        var out: [(Int, [String: String], [UInt8])] = []
        while let (r, used) = RawClient.parseOne(rest) {
            out.append(r)
            rest.removeFirst(used)
        }
        XCTAssertTrue(rest.isEmpty, "trailing bytes: \(String(decoding: rest, as: UTF8.self))")
        return out
    }

    func errorCode(_ body: [UInt8]) -> String? {
        (try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(body)))?.error.code
    }

    // MARK: Host (RFC 9112 §3.2)

    func testHTTP11WithoutHostIs400AndClose() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/1 HTTP/1.1\r\n\r\nGET /inline/2 HTTP/1.1\r\nHost: t\r\n\r\n")
        let rs = responses(c.readAll())
        XCTAssertEqual(rs.map(\.status), [400]) // and nothing after it: the connection closed
        XCTAssertEqual(rs.first?.headers["connection"], "close")
        XCTAssertEqual(errorCode(rs[0].body), "malformed_request")
    }

    func testTwoHostHeadersIs400() throws {
        for version in ["1.1", "1.0"] {
            let c = try RawClient(port: server.port)
            c.send("GET /inline/1 HTTP/\(version)\r\nHost: a\r\nHost: b\r\n\r\n")
            XCTAssertEqual(responses(c.readAll()).map(\.status), [400], version)
        }
        let c = try RawClient(port: server.port)
        c.send("GET /inline/1 HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n")
        XCTAssertEqual(responses(c.readAll()).map(\.status), [400])
    }

    func testHTTP10WithoutHostIsServed() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/5 HTTP/1.0\r\n\r\n")
        let rs = responses(c.readAll())
        XCTAssertEqual(rs.map(\.status), [200])
        XCTAssertEqual(json(rs[0].body)?.params["id"], "5")
    }

    // MARK: absolute-form (RFC 9112 §3.2.2)

    func testAbsoluteFormTargetIsRoutedOnItsPath() throws {
        let c = try RawClient(port: server.port)
        c.send("GET http://t/inline/7?x=1&y=%E4%B8%AD HTTP/1.1\r\nHost: t\r\n\r\n")
        let r1 = c.readResponses(1)
        XCTAssertEqual(r1.first?.status, 200)
        XCTAssertEqual(json(r1[0].body)?.path, "/inline/7")
        XCTAssertEqual(json(r1[0].body)?.params["id"], "7")
        XCTAssertEqual(json(r1[0].body)?.query, ["x": "1", "y": "中"])
        c.send("GET HTTP://t:8080/worker/8 HTTP/1.1\r\nHost: t:8080\r\n\r\n")
        let r2 = c.readResponses(1)
        XCTAssertEqual(json(r2.first?.body ?? [])?.params["id"], "8")
        c.send("GET http://t?z=3 HTTP/1.1\r\nHost: t\r\n\r\n")
        let r3 = c.readResponses(1)
        XCTAssertEqual(json(r3.first?.body ?? [])?.path, "/")
        XCTAssertEqual(json(r3.first?.body ?? [])?.query, ["z": "3"])
    }

    // MARK: HTTP/1.0 with Transfer-Encoding (RFC 9112 §6.1)

    func testHTTP10WithTransferEncodingClosesAfterIt() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
               + "GET /inline/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let rs = responses(c.readAll())
        XCTAssertEqual(rs.map(\.status), [200]) // the second request is never read
        XCTAssertEqual(json(rs[0].body)?.body, "abc")
        XCTAssertEqual(rs[0].headers["connection"], "close")
    }

    // MARK: versions (RFC 9112 §2.3)

    func testLaterMinorVersionIsProcessedAs11() throws {
        let c = try RawClient(port: server.port)
        c.send("GET /inline/1 HTTP/1.2\r\nHost: t\r\n\r\n")
        let r1 = c.readResponses(1)
        XCTAssertEqual(r1.first?.status, 200)
        XCTAssertNil(r1.first?.headers["connection"]) // persistent, like 1.1
        c.send("GET /worker/2 HTTP/1.9\r\nHost: t\r\n\r\n") // same connection
        XCTAssertEqual(json(c.readResponses(1).first?.body ?? [])?.params["id"], "2")
    }

    func testOtherMajorVersionIs505() throws {
        for version in ["2.0", "3.0", "0.9"] {
            let c = try RawClient(port: server.port)
            c.send("GET /inline/1 HTTP/\(version)\r\nHost: t\r\n\r\n")
            let rs = responses(c.readAll())
            XCTAssertEqual(rs.map(\.status), [505], version)
        }
    }

    // MARK: checked numbers

    func testHugeContentLengthIs400AndServerSurvives() throws {
        for v in ["9223372036854775808", "99999999999999999999", String(repeating: "9", count: 300)] {
            let c = try RawClient(port: server.port)
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(v)\r\n\r\n")
            let rs = responses(c.readAll())
            XCTAssertEqual(rs.map(\.status), [400], v)
        }
        let c = try RawClient(port: server.port)
        c.send("GET /inline/ok HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(c.readResponses(1).first?.status, 200)
    }

    // MARK: Expect: 100-continue with the answer already decided (RFC 9110 §10.1.1)
    // The body is never sent: a server waiting for it would answer 408 after the 1 s body timeout.

    func expectDecided(_ head: String) throws -> [(status: Int, headers: [String: String], body: [UInt8])] {
        let c = try RawClient(port: server.port)
        c.send(head)
        let rs = responses(c.readAll()) // returns when the server closes
        XCTAssertNotEqual(rs.first?.status, 100, "100 Continue sent for a decided answer")
        XCTAssertEqual(rs.count, 1)
        XCTAssertEqual(rs.first?.headers["connection"], "close")
        return rs
    }

    func testExpectContinueNotFoundAnsweredAtOnce() throws {
        let rs = try expectDecided("POST /missing HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(rs.first?.status, 404)
        let chunked = try expectDecided("POST /missing HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(chunked.first?.status, 404)
    }

    func testExpectContinueMethodNotAllowedAnsweredAtOnce() throws {
        let rs = try expectDecided("PUT /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(rs.first?.status, 405)
        XCTAssertEqual(rs.first?.headers["allow"], "POST")
        XCTAssertEqual(errorCode(rs.first?.body ?? []), "method_not_allowed")
    }

    func testExpectContinueTooLargeAnsweredAtOnce() throws {
        let rs = try expectDecided("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(rs.first?.status, 413)
        XCTAssertEqual(errorCode(rs.first?.body ?? []), "payload_too_large")
    }

    func testExpectContinueRefusedByMiddlewareAnsweredAtOnce() throws {
        let rs = try expectDecided("POST /secure HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(rs.first?.status, 401)
        XCTAssertEqual(errorCode(rs.first?.body ?? []), "unauthorized")
        let own = try expectDecided("POST /closed HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(own.first?.status, 409)
    }

    func testExpectContinueAcceptedWhenMiddlewareLetsItThrough() throws {
        let c = try RawClient(port: server.port)
        c.send("POST /secure HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(c.readResponses(1).first?.status, 100)
        c.send("hello")
        let r = c.readResponses(1)
        XCTAssertEqual(r.first?.status, 200)
        XCTAssertEqual(String(decoding: r.first?.body ?? [], as: UTF8.self), "5")
        // The connection stays usable.
        c.send("GET /inline/3 HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(c.readResponses(1).first?.status, 200)
    }

    func testWithoutExpectTheBodyIsReadAndTheConnectionKept() throws {
        // No Expect: the client sends the body anyway; the server reads it and keeps the connection.
        let c = try RawClient(port: server.port)
        c.send("POST /missing HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhelloGET /inline/4 HTTP/1.1\r\nHost: t\r\n\r\n")
        let rs = c.readResponses(2)
        XCTAssertEqual(rs.map(\.status), [404, 200])
    }

    // MARK: Part C: oversize bodies refused from the headers

    func testOversizeBodyRefusedFromContentLengthBeforeTheBody() throws {
        // No body is sent: a server that read it first would answer 408 after the body timeout.
        let c = try RawClient(port: server.port)
        c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \((1 << 20) + 1)\r\n\r\n")
        let rs = responses(c.readAll())
        XCTAssertEqual(rs.map(\.status), [413])
        XCTAssertEqual(rs.first?.headers["connection"], "close")
        // With Expect: the final status comes instead of 100 Continue.
        let e = try expectDecided("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: \((1 << 20) + 1)\r\n\r\n")
        XCTAssertEqual(e.first?.status, 413)
        // At the limit, the body is asked for and taken.
        let ok = try RawClient(port: server.port)
        ok.send("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: \(1 << 20)\r\n\r\n")
        XCTAssertEqual(ok.readResponses(1).first?.status, 100)
        ok.send([UInt8](repeating: 1, count: 1 << 20))
        let r = ok.readResponses(1)
        XCTAssertEqual(String(decoding: r.first?.body ?? [], as: UTF8.self), String(1 << 20))
    }
}
