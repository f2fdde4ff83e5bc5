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
        XCTAssertFalse(try head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive)
    }

    func testContentLengthAndChunked() throws {
        XCTAssertEqual(try head("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n").contentLength, 12)
        XCTAssertTrue(try head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").chunked)
        XCTAssertTrue(try head("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expectContinue)
    }

    func testMalformedRequestLines() {
        XCTAssertEqual(status("GARBAGE\r\n\r\n"), 400)
        XCTAssertEqual(status("GET\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1 extra\r\n\r\n"), 400)
        XCTAssertEqual(status("GET noslash HTTP/1.1\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/2.0\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.2\r\n\r\n"), 505)
        XCTAssertEqual(status("BREW / HTTP/1.1\r\n\r\n"), 501)
        XCTAssertEqual(status("get / HTTP/1.1\r\n\r\n"), 501)
    }

    func testSmugglingDefences() {
        XCTAssertEqual(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n"), 400)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nX: a\u{1}b\r\n\r\n"), 400)
    }

    func testOversizeHead() {
        let big = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 20000) + "\r\n\r\n"
        XCTAssertEqual(status(big, max: 16384), 431)
        // Also while still incomplete.
        let partial = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 20000)
        XCTAssertEqual(status(partial, max: 16384), 431)
        let many = "GET / HTTP/1.1\r\n" + (0..<150).map { "X\($0): 1\r\n" }.joined() + "\r\n"
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
}
