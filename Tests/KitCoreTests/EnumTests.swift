import Foundation
import XCTest
import KitCore

private enum Status: String, Codable { case draft, approved = "APPROVED", rejected = "被拒绝" }
private enum Level: Int, Codable { case low = 1, high = 10 }
private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rect(Double, Double)
    case empty
}

private struct Document: Codable, Equatable {
    var status: Status
    var level: Level
    var history: [Status]
    var previous: Status?
}

final class EnumTests: XCTestCase {
    func testRawValueEnums() throws {
        let d = Document(status: .approved, level: .high, history: [.draft, .rejected], previous: .draft)
        XCTAssertEqual(try fastText(d), #"{"status":"APPROVED","level":10,"history":["draft","被拒绝"],"previous":"draft"}"#)
        assertRoundTrip(d)
        XCTAssertEqual(try fastText(Status.draft), #""draft""#)
        XCTAssertEqual(try fastText(Level.low), "1")
    }

    func testEnumsWithAssociatedValues() throws {
        let shapes: [Shape] = [.circle(radius: 2.5), .rect(1, 2), .empty]
        XCTAssertEqual(try fastText(shapes), #"[{"circle":{"radius":2.5}},{"rect":{"_0":1,"_1":2}},{"empty":{}}]"#)
        assertRoundTrip(shapes)
    }
}
