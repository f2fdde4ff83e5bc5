import XCTest
@testable import KitHTTP

/// `MultipartStreamParser` agrees with `Multipart.parse` however the body is cut.
final class MultipartStreamTests: XCTestCase {
    struct Seen: Equatable { var name: String; var filename: String?; var content: [UInt8] }

    func whole(_ body: [UInt8], _ boundary: String) -> [Seen]? {
        (try? Multipart.parse(body, boundary: boundary))?.map { Seen(name: $0.name, filename: $0.filename, content: Array(body[$0.body])) }
    }

    func streamed(_ body: [UInt8], _ boundary: String, piece: Int) throws -> [Seen] {
        var parser = try MultipartStreamParser(boundary: boundary)
        var parts: [Seen] = []
        let sink: (MultipartStreamEvent) throws -> Void = { e in
            switch e {
            case .part(let p): parts.append(Seen(name: p.name, filename: p.filename, content: []))
            case .data(let d): parts[parts.count - 1].content += d
            case .partEnd: break
            }
        }
        var i = 0
        while i < body.count {
            let n = min(piece, body.count - i)
            try parser.feed(body[i..<(i + n)], sink)
            i += n
        }
        try parser.finish(sink)
        return parts
    }

    func agree(_ text: String, boundary: String = "XyZ", file: StaticString = #filePath, line: UInt = #line) {
        let body = Array(text.utf8)
        let expected = whole(body, boundary)
        for piece in [1, 2, 3, 5, 7, 13, body.count] {
            let got = try? streamed(body, boundary, piece: piece)
            XCTAssertEqual(got, expected, "piece \(piece)", file: file, line: line)
        }
    }

    func testOrdinaryForm() {
        agree("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--XyZ\r\n" +
              "Content-Disposition: form-data; name=\"file\"; filename=\"扫描.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" +
              "%PDF-1.4\r\n--XyZ is not a delimiter\r\n--XyZx\r\n\r\n--Xy\r\n--XyZ--\r\nepilogue")
    }

    func testPreambleEmptyPartsAndWhitespaceAfterDelimiter() {
        agree("preamble\r\n--XyZ  \t\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--XyZ\r\n" +
              "Content-Disposition: form-data; name=\"f\"\r\n\r\n--XyZ--")
    }

    /// A long preamble full of near-delimiters and a header block full of CRLFs, fed a byte at a
    /// time: the search resumes where it stopped (each byte is searched once, not once per piece).
    func testLongPreambleAndHeadersTrickledIn() {
        let nearMisses = String(repeating: "\r\n--XyZ!\r\n--Xy", count: 3000)
        let header = "Content-Disposition: form-data; name=\"a\"\r\n" + String(repeating: "X-Pad: \r\n", count: 700)
        agree(nearMisses + "\r\n--XyZ\r\n" + header + "\r\nvalue\r\n--XyZ--")
        agree(nearMisses + "\r\n--XyZ\r\n" + header + "unterminated")
    }

    func testMalformedAgree() {
        agree("")
        agree("--XyZ\r\n\r\nno headers\r\n--XyZ--")
        agree("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nnever closed")
        agree("--XyZ\r\nX: y\r\n\r\nno disposition\r\n--XyZ--")
        agree("no boundary at all")
        agree("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nunterminated")
    }

    func testTooManyPartsAndLargeHeader() {
        let part = "--XyZ\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nx\r\n"
        let body = String(repeating: part, count: 21) + "--XyZ--"
        XCTAssertThrowsError(try streamed(Array(body.utf8), "XyZ", piece: 50)) { e in
            XCTAssertEqual(e as? MultipartError, .tooManyParts(20))
        }
        let big = "--XyZ\r\nContent-Disposition: form-data; name=\"p\"\r\nX: " + String(repeating: "a", count: 9000) + "\r\n\r\nx\r\n--XyZ--"
        XCTAssertThrowsError(try streamed(Array(big.utf8), "XyZ", piece: 1000)) { e in
            XCTAssertEqual(e as? MultipartError, .headerTooLarge)
        }
    }

    /// A large part goes through with only a bounded tail held back.
    func testLargeContentStreamsThrough() throws {
        var body = Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n".utf8)
        let content = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        body += content + Array("\r\n--b--\r\n".utf8)
        var parser = try MultipartStreamParser(boundary: "b")
        var got: [UInt8] = []
        var dataEvents = 0
        var i = 0
        while i < body.count {
            let n = min(65536, body.count - i)
            try parser.feed(body[i..<(i + n)]) { e in
                if case .data(let d) = e { got += d; dataEvents += 1 }
            }
            i += n
        }
        try parser.finish { _ in }
        XCTAssertEqual(got, content)
        XCTAssertGreaterThan(dataEvents, 40)
    }
}
