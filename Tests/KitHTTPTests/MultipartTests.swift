import Foundation
import XCTest
@testable import KitHTTP

final class MultipartTests: XCTestCase {
    /// Fixtures/multipart: gen_multipart.py and the bodies it wrote (manifest.json, *.body).
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("multipart")

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func assertThrows(_ body: [UInt8], boundary: String, maxParts: Int = 20, _ expected: MultipartError,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Multipart.parse(body, boundary: boundary, maxParts: maxParts), file: file, line: line) {
            XCTAssertEqual($0 as? MultipartError, expected, file: file, line: line)
        }
    }

    private func assertMalformed(_ body: [UInt8], boundary: String, _ fragment: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Multipart.parse(body, boundary: boundary), file: file, line: line) { error in
            guard case .malformed(let why)? = error as? MultipartError else {
                return XCTFail("expected malformed, got \(error)", file: file, line: line)
            }
            XCTAssertTrue(why.contains(fragment), "\(why) does not mention \(fragment)", file: file, line: line)
        }
    }

    // MARK: - Boundary

    func testBoundaryFromContentType() {
        let cases: [(String, String?)] = [
            ("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW"),
            ("multipart/form-data;boundary=abc", "abc"),
            ("Multipart/Form-Data; BOUNDARY=abc", "abc"),
            ("multipart/form-data; boundary=\"===============5973986777440242047==\"", "===============5973986777440242047=="),
            ("multipart/form-data; boundary=\"with space\"", "with space"),
            ("multipart/form-data; boundary=\"esc\\\"aped\"", "esc\"aped"),
            ("multipart/form-data; charset=utf-8; boundary=xyz ; foo=bar", "xyz"),
            ("multipart/form-data; foo=\"a;boundary=wrong\"; boundary=right", "right"),
            ("multipart/mixed; boundary=mixed", "mixed"),
            ("multipart/form-data; boundary=" + String(repeating: "b", count: 70), String(repeating: "b", count: 70)),
            ("multipart/form-data; boundary=" + String(repeating: "b", count: 71), nil),
            ("multipart/form-data; boundary=", nil),
            ("multipart/form-data; boundary=\"\"", nil),
            ("multipart/form-data", nil),
            ("multipart/form-data; boundary=\"unterminated", nil),
            ("multipart/form-data; boundary=\"trailing space \"", nil),
            ("multipart/form-data; boundary=\"边界\"", nil),
            ("text/plain; boundary=abc", nil),
            ("multipart/; boundary=abc", nil),
            ("", nil),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(Multipart.boundary(fromContentType: value), expected, value)
        }
    }

    // MARK: - Bodies made by real clients

    private struct Case: Decodable {
        struct Part: Decodable { let name: String; let filename: String?; let content_type: String?; let data_hex: String }
        let `case`: String
        let content_type: String
        let body: String
        let parts: [Part]
    }

    private func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let h = it.next(), let l = it.next() { out.append(UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16)!) }
        return out
    }

    private func checkManifest(in dir: URL, expectedCases: Set<String>, file: StaticString = #filePath, line: UInt = #line) throws {
        let manifest = try JSONDecoder().decode([Case].self, from: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
        XCTAssertEqual(Set(manifest.map(\.case)), expectedCases, file: file, line: line)
        for c in manifest {
            let body = [UInt8](try Data(contentsOf: dir.appendingPathComponent(c.body)))
            let boundary = try XCTUnwrap(Multipart.boundary(fromContentType: c.content_type), c.case, file: file, line: line)
            let parts = try Multipart.parse(body, boundary: boundary)
            XCTAssertEqual(parts.map(\.name), c.parts.map(\.name), c.case, file: file, line: line)
            XCTAssertEqual(parts.map(\.filename), c.parts.map(\.filename), c.case, file: file, line: line)
            XCTAssertEqual(parts.map(\.contentType), c.parts.map(\.content_type), c.case, file: file, line: line)
            for (part, expected) in zip(parts, c.parts) {
                XCTAssertEqual(Array(body[part.body]), hex(expected.data_hex), "\(c.case) \(part.name)", file: file, line: line)
            }
        }
    }

    /// Bodies generated once by Fixtures/gen_multipart.py with urllib3, requests and the email package.
    func testCommittedBodiesFromUrllib3RequestsAndEmail() throws {
        try checkManifest(in: Self.fixtures,
                          expectedCases: ["urllib3", "urllib3-quote", "requests", "email"])
    }

    /// The same generator run now, with a fresh seed and a larger file.
    func testFreshBodiesFromPython() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let python = path.split(separator: ":").map({ "\($0)/python3" }).first(where: FileManager.default.isExecutableFile)
        else { throw XCTSkip("python3 is not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("multipart-\(UUID().uuidString)")
        let seed = Int.random(in: 1...1_000_000)
        print("gen_multipart.py --seed \(seed) → \(dir.path)")  // to reproduce a failure
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Self.fixtures.appendingPathComponent("gen_multipart.py").path, dir.path,
                             "--seed", String(seed), "--file-size", "300000"]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let manifest = try JSONDecoder().decode([Case].self, from: Data(contentsOf: dir.appendingPathComponent("manifest.json")))
        // urllib3/requests cases are written only when those packages are installed.
        try checkManifest(in: dir, expectedCases: Set(manifest.map(\.case)))
        XCTAssertTrue(manifest.contains { $0.case == "email" })
    }

    // MARK: - Browser-style bodies written by hand

    func testBrowserStyleBody() throws {
        let b = "----WebKitFormBoundaryx8FbaTxW2S9Kk3Qe"
        var body = bytes("This is the preamble, ignored.\r\n")
        body += bytes("--\(b)\r\n")
        body += bytes("Content-Disposition: form-data; name=\"hospital\"\r\n\r\n")
        body += bytes("北京协和医院\r\n")
        body += bytes("--\(b)  \t\r\n")  // transport padding after the delimiter
        body += bytes("content-disposition: FORM-DATA; NAME=\"license\"; filename=\"营业执照 (副本).png\"\r\n")
        body += bytes("Content-Type: image/png\r\nX-Extra:  folded\r\n  value\r\n\r\n")
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bytes("\r\n--\(b.dropLast())\r\n--") + [0, 0xFF, 0x0D]
        body += png + bytes("\r\n")
        body += bytes("--\(b)\r\n")
        body += bytes("Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body += bytes("\r\n--\(b)\r\n")
        body += bytes("Content-Disposition: form-data; name=\"ext\"; filename=\"fallback.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf\r\n\r\n")
        body += bytes("%PDF\r\n--\(b)\r\n")
        body += bytes("Content-Disposition: form-data; name=\"quoted \\\"name\\\"\"; filename=\"C:\\dir\\a\\\\b.txt\"\r\n\r\n")
        body += bytes("x\r\n--\(b)\r\n")
        body += bytes("Content-Disposition: form-data; name=noquotes; filename=ends-in-backslash\\\r\n\r\n")
        body += bytes("y\r\n--\(b)\r\n")
        body += bytes("Content-Disposition: form-data; name=\"slash\"; filename=\"ends\\\"\r\n\r\n")
        body += bytes("z\r\n--\(b)--\r\nepilogue, ignored\r\n--\(b)\r\nContent-Disposition: form-data; name=\"ghost\"\r\n\r\nno\r\n")

        let parts = try Multipart.parse(body, boundary: b)
        XCTAssertEqual(parts.map(\.name), ["hospital", "license", "empty", "ext", "quoted \"name\"", "noquotes", "slash"])
        XCTAssertEqual(parts.map(\.filename), [nil, "营业执照 (副本).png", "", "报告.pdf", "C:\\dir\\a\\b.txt", "ends-in-backslash\\", "ends\\"])
        XCTAssertEqual(parts.map(\.contentType), [nil, "image/png", "application/octet-stream", nil, nil, nil, nil])
        XCTAssertEqual(parts.map { Array(body[$0.body]) }, [bytes("北京协和医院"), png, [], bytes("%PDF"), bytes("x"), bytes("y"), bytes("z")])
        XCTAssertEqual(parts[1].headers.map(\.0), ["content-disposition", "Content-Type", "X-Extra"])
        XCTAssertEqual(parts[1].header("x-extra"), "folded value")
        XCTAssertEqual(parts[1].header("CONTENT-TYPE"), "image/png")
        XCTAssertNil(parts[0].header("Content-Type"))
    }

    func testBodyStartingWithoutPreambleAndEdgeCases() throws {
        // Close delimiter only: an empty form.
        XCTAssertEqual(try Multipart.parse(bytes("--b--"), boundary: "b").count, 0)
        XCTAssertEqual(try Multipart.parse(bytes("--b--\r\n"), boundary: "b").count, 0)
        // A "delimiter" followed by other characters is content (lenient).
        let body = bytes("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--bb\r\n--b-x\r\n--b\r\n"
                         + "Content-Disposition: form-data; name=c\r\n\r\n\r\n--b--")
        let parts = try Multipart.parse(body, boundary: "b")
        XCTAssertEqual(parts.map(\.name), ["a", "c"])
        XCTAssertEqual(Array(body[parts[0].body]), bytes("1\r\n--bb\r\n--b-x"))
        XCTAssertEqual(Array(body[parts[1].body]), [])
        // Headers directly followed by the delimiter (the body is optional in RFC 2046's grammar).
        let noBody = bytes("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n--b--")
        let p = try Multipart.parse(noBody, boundary: "b")
        XCTAssertEqual(p.map(\.name), ["a"])
        XCTAssertEqual(p[0].body.count, 0)
        // Invalid UTF-8 in a header: decoded as ISO-8859-1.
        let latin1 = bytes("--b\r\nContent-Disposition: form-data; name=f; filename=\"caf") + [0xE9] + bytes(".txt\"\r\n\r\nx\r\n--b--")
        XCTAssertEqual(try Multipart.parse(latin1, boundary: "b").first?.filename, "café.txt")
        // ISO-8859-1 extended value.
        let ext = bytes("--b\r\nContent-Disposition: form-data; name=f; filename*=iso-8859-1'fr'caf%E9.txt\r\n\r\nx\r\n--b--")
        XCTAssertEqual(try Multipart.parse(ext, boundary: "b").first?.filename, "café.txt")
        // An undecodable filename* falls back to filename.
        let badExt = bytes("--b\r\nContent-Disposition: form-data; name=f; filename=\"plain.txt\"; filename*=UTF-8''%FF%ZZ\r\n\r\nx\r\n--b--")
        XCTAssertEqual(try Multipart.parse(badExt, boundary: "b").first?.filename, "plain.txt")
    }

    // MARK: - Errors

    func testMalformedBodies() {
        let ok = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
        assertMalformed(bytes(ok), boundary: "b", "missing closing boundary")
        assertMalformed(bytes(ok + "--b\r\n"), boundary: "b", "unterminated header block")
        assertMalformed(bytes(ok + "--c--"), boundary: "b", "missing closing boundary")
        assertMalformed(bytes("no boundary here at all"), boundary: "b", "no opening boundary")
        assertMalformed(bytes("--bx\r\n"), boundary: "b", "no opening boundary")
        assertMalformed([], boundary: "b", "empty")
        assertMalformed(bytes("--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--"), boundary: "b", "missing Content-Disposition")
        assertMalformed(bytes("--b\r\n\r\n1\r\n--b--"), boundary: "b", "missing Content-Disposition")
        assertMalformed(bytes("--b\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--b--"), boundary: "b", "not form-data")
        assertMalformed(bytes("--b\r\nContent-Disposition: form-data; filename=a\r\n\r\n1\r\n--b--"), boundary: "b", "without name")
        assertMalformed(bytes("--b\r\nContent-Disposition form-data\r\n\r\n1\r\n--b--"), boundary: "b", "colon")
        assertMalformed(bytes("--b\r\n Content-Disposition: form-data; name=a\r\n\r\n1\r\n--b--"), boundary: "b", "white space")
        assertMalformed(bytes("--b\r\nBad Name: x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--"), boundary: "b", "header name")
        // LF-only line endings are not RFC 7578.
        assertMalformed(bytes("--b\nContent-Disposition: form-data; name=a\n\n1\n--b--\n"), boundary: "b", "no opening boundary")
        assertThrows(bytes(ok + "--b--"), boundary: "", .missingBoundary)
        assertThrows(bytes(ok + "--b--"), boundary: String(repeating: "b", count: 71), .missingBoundary)
    }

    private func form(_ count: Int, boundary: String = "XyZ") -> [UInt8] {
        var body: [UInt8] = []
        for i in 0..<count { body += bytes("--\(boundary)\r\nContent-Disposition: form-data; name=\"f\(i)\"\r\n\r\nv\(i)\r\n") }
        return body + bytes("--\(boundary)--\r\n")
    }

    func testTooManyParts() throws {
        XCTAssertEqual(try Multipart.parse(form(20), boundary: "XyZ").count, 20)
        assertThrows(form(21), boundary: "XyZ", .tooManyParts(20))
        assertThrows(form(3), boundary: "XyZ", maxParts: 2, .tooManyParts(2))
        XCTAssertEqual(try Multipart.parse(form(100), boundary: "XyZ", maxParts: 100).map(\.name).last, "f99")
    }

    func testHeaderTooLarge() throws {
        func body(headerBytes: Int) -> [UInt8] {
            let disposition = "Content-Disposition: form-data; name=a\r\n"
            let filler = "X-Filler: " + String(repeating: "a", count: headerBytes - disposition.utf8.count - "X-Filler: ".utf8.count)
            return bytes("--b\r\n\(disposition)\(filler)\r\n\r\nbody\r\n--b--")
        }
        XCTAssertEqual(try Multipart.parse(body(headerBytes: Multipart.maxHeaderBytes), boundary: "b").first?.name, "a")
        assertThrows(body(headerBytes: Multipart.maxHeaderBytes + 1), boundary: "b", .headerTooLarge)
        assertThrows(body(headerBytes: 100_000), boundary: "b", .headerTooLarge)
    }

    // MARK: - Size

    func testTenMiBUpload() throws {
        var generator = SystemRandomNumberGenerator()
        var file = [UInt8](repeating: 0, count: 10 * 1024 * 1024)
        file.withUnsafeMutableBytes { raw in
            for i in stride(from: 0, to: raw.count, by: 8) {
                raw.storeBytes(of: generator.next() as UInt64, toByteOffset: i, as: UInt64.self)
            }
        }
        let boundary = "----WebKitFormBoundary" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let body = bytes("--\(boundary)\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2024\r\n")
            + bytes("--\(boundary)\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"扫描件.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
            + file + bytes("\r\n--\(boundary)--\r\n")
        let parts = try Multipart.parse(body, boundary: boundary)
        XCTAssertEqual(parts.map(\.name), ["year", "scan"])
        XCTAssertEqual(parts[1].body.count, file.count)
        let same = body[parts[1].body].withUnsafeBytes { a in file.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress!, b.count) == 0 } }
        XCTAssertTrue(same)
    }

    func testNearMissFloodIsLinear() throws {
        // 10 MiB of CRLF + almost-the-boundary: every candidate compares almost the whole delimiter.
        let boundary = String(repeating: "a", count: 70)
        let nearMiss = bytes("\r\n--" + String(repeating: "a", count: 69) + "b")
        var content: [UInt8] = []
        content.reserveCapacity(10 << 20)
        while content.count < 10 << 20 { content += nearMiss }
        let body = bytes("--\(boundary)\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n") + content + bytes("\r\n--\(boundary)--")
        let parts = try Multipart.parse(body, boundary: boundary)
        XCTAssertEqual(parts.first?.body.count, content.count)
    }
}
