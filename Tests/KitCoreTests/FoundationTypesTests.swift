import Foundation
import XCTest
import KitCore

private struct Attachment: Codable, Equatable {
    var id: UUID
    var url: URL
    var relative: URL
    var body: Data
    var checksum: Data?
    var amount: Decimal
}

final class FoundationTypesTests: XCTestCase {
    func testUUIDIsUppercaseLikeJSONEncoder() throws {
        let id = UUID(uuidString: "3f2504e0-4f89-11d3-9a0c-0305e82c3301")!
        XCTAssertEqual(try fastText(id), #""3F2504E0-4F89-11D3-9A0C-0305E82C3301""#)
        for _ in 0..<100 {
            let u = UUID()
            XCTAssertEqual(try fastText([u]), try referenceText([u]))
        }
    }

    func testURLIsAbsoluteString() throws {
        let urls = [URL(string: "https://example.com/a/b?q=1&r=中#frag")!,
                    URL(string: "https://a.b/c%20d")!,
                    URL(string: "rel/path", relativeTo: URL(string: "https://x.y/a/"))!,
                    URL(fileURLWithPath: "/tmp/file name.txt")]
        XCTAssertEqual(try fastText(urls), try referenceText(urls))
        XCTAssertEqual(try fastText(urls[2]), #""https://x.y/a/rel/path""#)
    }

    func testDataIsBase64() throws {
        for n in 0..<70 {
            let data = Data((0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            XCTAssertEqual(try fastText(data), "\"\(data.base64EncodedString())\"")
            XCTAssertEqual(try fastText([data]), try referenceText([data]))
        }
        // A slice whose indices do not start at zero.
        let big = Data(0..<100)
        XCTAssertEqual(try fastText(big[10..<20]), "\"\(Data(10..<20).base64EncodedString())\"")
    }

    func testAllTogetherRoundTrip() throws {
        let a = Attachment(id: UUID(), url: URL(string: "https://files.example.com/x.pdf")!,
                           relative: URL(string: "https://files.example.com/")!,
                           body: Data("hello".utf8), checksum: nil, amount: Decimal(string: "12.34")!)
        assertRoundTrip(a)
    }
}
