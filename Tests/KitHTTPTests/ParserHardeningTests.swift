import Foundation
import XCTest
import KitCore
import Models
@testable import KitHTTP

/// "No input kills a process" for the HTTP body parsers: hostile sizes, lengths and escapes give a 4xx
/// (or are ignored), never a trap. Inputs the fuzzers kept (Tests/Fuzz/crashers/) are replayed here as well.
final class ParserHardeningTests: XCTestCase {
    private func chunked(_ input: String, limit: Int = 1 << 20, step: Int = .max) -> (ChunkedDecoder.Outcome, [UInt8]) {
        var decoder = ChunkedDecoder()
        var body: [UInt8] = []
        let bytes = Array(input.utf8)
        var offset = 0
        var last = ChunkedDecoder.Outcome.needMore
        while offset < bytes.count {
            let end = step == .max ? bytes.count : min(bytes.count, offset + step)
            var consumed = 0
            last = bytes[offset..<end].withUnsafeBufferPointer { decoder.decode($0, consumed: &consumed, body: &body, limit: limit) }
            guard case .needMore = last else { break }
            offset += consumed
        }
        return (last, body)
    }

    private func status(_ outcome: ChunkedDecoder.Outcome) -> Int? {
        if case .failure(let e) = outcome { return e.status }
        return nil
    }

    // MARK: - Chunked

    func testHugeChunkSizesAreRefusedNotTrapped() {
        // 15 hex digits is the longest size accepted: 2⁶⁰ − 1 bytes is over any limit → 413 before any allocation.
        XCTAssertEqual(status(chunked("fffffffffffffff\r\n").0), 413)
        XCTAssertEqual(status(chunked("7fffffffffffffff\r\n").0), 400, "16 digits")
        XCTAssertEqual(status(chunked(String(repeating: "f", count: 40) + "\r\n").0), 400)
        // Without a limit, the size check must not overflow when the body already holds bytes, and the
        // declared 2⁶⁰-byte chunk must not be reserved up front (that allocation was a trap).
        let (outcome, body) = chunked("4\r\nabcd\r\nfffffffffffffff\r\n", limit: Int.max)
        guard case .needMore = outcome else { return XCTFail("expected needMore, got \(outcome)") }
        XCTAssertEqual(body, Array("abcd".utf8))
        XCTAssertLessThanOrEqual(body.capacity, 2 << 20)
        // Byte by byte, the same.
        XCTAssertEqual(status(chunked("fffffffffffffff;x=y\r\n", step: 1).0), 413)
    }

    func testChunkExtensionsAreBounded() {
        let long = "4;" + String(repeating: "a", count: ChunkedDecoder.maxExtensionBytes + 1) + "\r\nWiki\r\n0\r\n\r\n"
        XCTAssertEqual(status(chunked(long).0), 400)
        XCTAssertEqual(status(chunked(long, step: 7).0), 400)
        let fine = "4;" + String(repeating: "a", count: 100) + "\r\nWiki\r\n0\r\n\r\n"
        guard case .done = chunked(fine).0 else { return XCTFail("extension of 100 bytes refused") }
    }

    // MARK: - Query and percent-decoding

    func testBrokenPercentEscapesDoNotTrap() {
        let raw = "a=%&b=%z&c=%E5%8C&d=%00x&=v&e&%ZZ=1&f=%%%%&g=" + String(repeating: "%", count: 1000)
        let q = Request(method: .GET, path: "/", rawQuery: raw).query
        XCTAssertEqual(q["a"], "%")
        XCTAssertEqual(q["b"], "%z")
        XCTAssertEqual(q["c"], "%E5%8C", "invalid UTF-8 stays encoded")
        XCTAssertEqual(q["d"], "x", "NUL dropped")
        XCTAssertEqual(q["e"], "")
        XCTAssertNil(q[""])
        XCTAssertEqual(Router.percentDecode("%"), "%")
        XCTAssertEqual(Router.percentDecode("a%00b"), "ab")
        XCTAssertEqual(Router.percentDecode("%E5%8C%BB"), "医")
    }

    func testEscapedNULScanStaysInBounds() {
        for text in ["\\", "\\u", "\\u000", "x\\u0000", "\\\\u0000", "\"\\u00"] {
            _ = Request.containsEscapedNUL(Array(text.utf8))
        }
        XCTAssertTrue(Request.containsEscapedNUL(Array("\\u0000".utf8)))
        XCTAssertFalse(Request.containsEscapedNUL(Array("\\\\u0000".utf8)))
    }

    func testHostileJSONBodiesAreA4xx() {
        struct Body: Decodable { var n: Int8; var at: Date? }
        let bodies = [
            "{\"n\": 99999999999999999999999999}", "{\"n\": 1e400}", "{\"n\": -129}",
            String(repeating: "[", count: 100_000), "{\"n\":1,\"at\":\"2026-02-30T99:99:99+08:00\"}",
            "{\"n\":\"\\ud800\"}", "\u{FEFF}{}", "{\"n\":1",
        ]
        for text in bodies {
            XCTAssertThrowsError(try Request(method: .POST, path: "/", body: Array(text.utf8)).decode(Body.self), text.prefix(40).description) { error in
                // 400 for text that is no JSON, 422 for a field of the wrong type or out of range.
                XCTAssertTrue([400, 422].contains((error as? APIError)?.status ?? 0), "\(error) \(text.prefix(40))")
            }
        }
    }

    // MARK: - Multipart

    func testMultipartEdgesAreErrorsNotTraps() {
        let b = String(repeating: "b", count: 70)
        let cases: [String] = [
            "--\(b)", "--\(b)-", "--\(b)\r", "--\(b)\r\n", "--\(b)\r\n\r", "--\(b)\r\n\r\n", "--\(b)\r\n\r\n\r\n--\(b)",
            "\r\n--\(b)--", "--\(b)\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''%E5%8\r\n\r\nx\r\n--\(b)--",
            "--\(b)\r\nContent-Disposition: form-data; name=\"a\\\r\n\r\nx\r\n--\(b)--",
            "--\(b)\r\n Content-Disposition: form-data\r\n\r\nx\r\n--\(b)--",
        ]
        for body in cases {
            do {
                for part in try Multipart.parse(Array(body.utf8), boundary: b) {
                    XCTAssertLessThanOrEqual(part.body.upperBound, body.utf8.count)
                }
            } catch {
                XCTAssertTrue(error is MultipartError, "\(error)")
            }
        }
        XCTAssertNil(Multipart.boundary(fromContentType: "multipart/form-data; boundary=\"" + String(repeating: "x", count: 71) + "\""))
        XCTAssertNil(Multipart.boundary(fromContentType: "multipart/form-data; boundary=\"unterminated"))
        XCTAssertNil(Multipart.boundary(fromContentType: "multipart/form-data; boundary="))
    }

    // MARK: - Request head (parser owned elsewhere; its numbers are checked here)

    func testContentLengthDigitsAreBounded() {
        func parse(_ s: String) -> HeadParseResult {
            Array(s.utf8).withUnsafeBufferPointer { HeadParser.parse($0, scanFrom: 0, maxHeadBytes: 16384) }
        }
        guard case .complete(let h) = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999\r\n\r\n") else {
            return XCTFail("15 digits refused")
        }
        XCTAssertEqual(h.contentLength, 999_999_999_999_999)
        // Up to 18 digits fit an Int whatever they are; 19 and more are refused (never a trap).
        for digits in [19, 20, 100] {
            guard case .failure(let e) = parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(String(repeating: "9", count: digits))\r\n\r\n") else {
                return XCTFail("\(digits) digits accepted")
            }
            XCTAssertEqual(e.status, 400)
        }
    }

    // MARK: - Kept fuzz crashers

    func testKeptFuzzCrashersAreHandled() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/crashers")
        func inputs(_ target: String) -> [[UInt8]] {
            let dir = root.appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().compactMap { try? [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
        }
        for input in inputs("ChunkedDecoder") where input.count >= 2 {
            _ = chunked(String(decoding: input.dropFirst(2), as: UTF8.self), limit: Int(input[1]) * 64, step: Int(input[0]) + 1)
        }
        for input in inputs("Multipart") {
            let newline = input.firstIndex(of: 0x0A) ?? input.count
            let boundary = Multipart.boundary(fromContentType: String(decoding: input[0..<newline], as: UTF8.self)) ?? "X"
            _ = try? Multipart.parse(newline < input.count ? Array(input[(newline + 1)...]) : [], boundary: boundary)
        }
        for input in inputs("QueryDecoding") {
            let text = String(decoding: input, as: UTF8.self)
            _ = Request(method: .GET, path: "/", rawQuery: text).query
            _ = Router.percentDecode(Substring(text))
        }
        struct Body: Decodable { var name: String; var at: Date?; var age: Int? }
        for input in inputs("RequestJSON") {
            XCTAssertThrowsError(try Request(method: .POST, path: "/", body: input).decode(Body.self)) { error in
                XCTAssertTrue([400, 422].contains((error as? APIError)?.status ?? 0), "\(error)")
            }
        }
        XCTAssertFalse(inputs("RequestJSON").isEmpty)
        for input in inputs("RequestHead") where !input.isEmpty {
            _ = input.dropFirst().withUnsafeBufferPointer { HeadParser.parse($0, scanFrom: 0, maxHeadBytes: 4096) }
        }
    }
}
