import XCTest
@testable import KitHTTP

final class HeadParserTests: XCTestCase {
    func parse(_ s: String, max: Int = 16384) -> HeadParseResult {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBufferPointer { HeadParser.parse($0, scanFrom: 0, maxHeadBytes: max) }
    }

    func head(_ s: String) throws -> RequestHead {
        guard case .complete(let h) = parse(s) else { XCTFail("not complete: \(s.debugDescription)"); throw CancellationError() }
        return h
    }

    func status(_ s: String, max: Int = 16384) -> Int? {
        if case .failure(let e) = parse(s, max: max) { return e.status }
        return nil
    }

    func testSimpleGet() throws {
        let h = try head("GET /api/x?a=1 HTTP/1.1\r\nHost: a\r\nX-Y:  v v \r\n\r\n")
        XCTAssertEqual(h.method, .GET)
        XCTAssertEqual(h.minorVersion, 1)
        XCTAssertTrue(h.keepAlive)
        XCTAssertEqual(h.fields.count, 2)
        let bytes = Array("GET /api/x?a=1 HTTP/1.1\r\nHost: a\r\nX-Y:  v v \r\n\r\n".utf8)
        let headers = HTTPHeaders(storage: bytes, fields: h.fields)
        XCTAssertEqual(headers["x-y"], "v v")
        XCTAssertEqual(headers["HOST"], "a")
        XCTAssertEqual(h.length, bytes.count)
    }

    func testIncompleteUntilBlankLine() {
        guard case .incomplete = parse("GET / HTTP/1.1\r\nHost: a\r\n") else { return XCTFail() }
        guard case .incomplete = parse("GET / HTTP/1.1\r\nHost: a\r\n\r") else { return XCTFail() }
    }

    func testBareLFAccepted() throws {
        let h = try head("GET / HTTP/1.1\nHost: a\n\n")
        XCTAssertEqual(h.fields.count, 1)
    }

    func testHTTP10DefaultsToClose() throws {
        XCTAssertFalse(try head("GET / HTTP/1.0\r\n\r\n").keepAlive)
        XCTAssertTrue(try head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive)
        XCTAssertFalse(try head("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").keepAlive)
    }

    func testContentLengthAndChunked() throws {
        XCTAssertEqual(try head("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 12\r\n\r\n").contentLength, 12)
        XCTAssertTrue(try head("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n").chunked)
        XCTAssertTrue(try head("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expectContinue)
    }

    func testMalformedRequestLines() {
        XCTAssertEqual(status("GARBAGE\r\n\r\n"), 400)
        XCTAssertEqual(status("GET\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1 extra\r\n\r\n"), 400)
        XCTAssertEqual(status("GET noslash HTTP/1.1\r\nHost: t\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.x\r\nHost: t\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/11.1\r\nHost: t\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.10\r\nHost: t\r\n\r\n"), 400)
        XCTAssertEqual(status("BREW / HTTP/1.1\r\nHost: t\r\n\r\n"), 501)
        XCTAssertEqual(status("get / HTTP/1.1\r\nHost: t\r\n\r\n"), 501)
    }

    func testSmugglingDefences() {
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: t\r\nX: a\u{1}b\r\n\r\n"), 400)
    }

    func testOversizeHead() {
        let big = "GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 20000) + "\r\n\r\n"
        XCTAssertEqual(status(big, max: 16384), 431)
        // Also while still incomplete.
        let partial = "GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "a", count: 20000)
        XCTAssertEqual(status(partial, max: 16384), 431)
        let many = "GET / HTTP/1.1\r\nHost: t\r\n" + (0..<150).map { "X\($0): 1\r\n" }.joined() + "\r\n"
        XCTAssertEqual(status(many), 431)
    }

    func testIncrementalScanIsResumable() {
        let full = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        var scanned = 0
        for n in 1...full.count {
            let r = full[0..<n].withUnsafeBufferPointer { HeadParser.parse($0, scanFrom: scanned, maxHeadBytes: 1000) }
            switch r {
            case .incomplete(let s): XCTAssertLessThan(n, full.count); scanned = s
            case .complete(let h): XCTAssertEqual(n, full.count); XCTAssertEqual(h.length, full.count)
            case .failure(let e): XCTFail("\(e)")
            }
        }
    }

    // RFC 9112 §2.3: another major version is 505; a later 1.x is processed as 1.1.
    func testVersions() throws {
        XCTAssertEqual(status("GET / HTTP/2.0\r\nHost: t\r\n\r\n"), 505)
        XCTAssertEqual(status("GET / HTTP/3.1\r\nHost: t\r\n\r\n"), 505)
        XCTAssertEqual(status("GET / HTTP/0.9\r\nHost: t\r\n\r\n"), 505)
        for v in ["1.2", "1.9"] {
            let h = try head("GET / HTTP/\(v)\r\nHost: t\r\n\r\n")
            XCTAssertEqual(h.minorVersion, 1)
            XCTAssertTrue(h.keepAlive)
        }
        XCTAssertEqual(status("GET / HTTP/1.2\r\n\r\n"), 400) // and so it needs a Host
    }

    // RFC 9112 §3.2: a 1.1 request without Host, or with more than one, or an invalid one, is 400.
    func testHostRequiredOnceAndValid() throws {
        XCTAssertEqual(status("GET / HTTP/1.1\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: y\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a\r\nhOST: b\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"), 400)
        XCTAssertNotNil(try head("GET / HTTP/1.0\r\n\r\n"))                 // 1.0 needs none
        XCTAssertNotNil(try head("GET / HTTP/1.1\r\nHost:\r\n\r\n"))          // empty is allowed
        XCTAssertNotNil(try head("GET / HTTP/1.1\r\nHOST: [::1]:8080\r\n\r\n"))
    }

    // RFC 9112 §3.2.2: a server MUST accept the absolute form; the kit routes on its path.
    func testAbsoluteFormTarget() throws {
        func target(_ s: String) throws -> (String, Bool) {
            let h = try head(s)
            let bytes = Array(s.utf8)
            return (String(decoding: bytes[h.targetStart..<h.targetEnd], as: UTF8.self), h.emptyPath)
        }
        XCTAssertEqual(try target("GET http://example.com/a/b?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").0, "/a/b?x=1")
        XCTAssertEqual(try target("GET HTTPS://example.com:8443/a HTTP/1.1\r\nHost: example.com\r\n\r\n").0, "/a")
        let bare = try target("GET http://example.com?q=2 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertEqual(bare.0, "?q=2")
        XCTAssertTrue(bare.1)
        XCTAssertTrue(try target("OPTIONS http://example.com HTTP/1.1\r\nHost: x\r\n\r\n").1)
        XCTAssertEqual(status("GET ftp://example.com/a HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        XCTAssertEqual(status("GET http:///a HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        XCTAssertEqual(status("GET http://user@example.com/a HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        XCTAssertEqual(status("GET example.com/a HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        XCTAssertEqual(status("GET http://example.com/a HTTP/1.1\r\n\r\n"), 400) // Host still required
    }

    // RFC 9112 §6.1: HTTP/1.0 with Transfer-Encoding is processed, then the connection closes.
    func testHTTP10WithTransferEncodingCloses() throws {
        let h = try head("POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n")
        XCTAssertTrue(h.chunked)
        XCTAssertFalse(h.keepAlive)
        let h2 = try head("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertFalse(h2.keepAlive)
        XCTAssertTrue(try head("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n").keepAlive)
    }

    // Checked arithmetic: a Content-Length of 19 or more significant digits is a 400, never a trap.
    func testHugeContentLengthIs400() throws {
        for v in ["9223372036854775807", "9223372036854775808", "9999999999999999999",
                  "99999999999999999999999999999999999999", String(repeating: "9", count: 200)] {
            XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: \(v)\r\n\r\n"), 400, v)
        }
        XCTAssertEqual(try head("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 999999999999999999\r\n\r\n").contentLength,
                       999_999_999_999_999_999)
        XCTAssertEqual(try head("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 00000000000000000000042\r\n\r\n").contentLength, 42)
    }
}
