import Foundation
import XCTest
import KitCore

final class TopLevelTests: XCTestCase {
    func testTopLevelScalars() throws {
        XCTAssertEqual(try fastText("top"), #""top""#)
        XCTAssertEqual(try fastText(42), "42")
        XCTAssertEqual(try fastText(true), "true")
        XCTAssertEqual(try fastText(2.5), "2.5")
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: 0)), #""1970-01-01T08:00:00.000+08:00""#)
        for v in ["top", "", "中"] { assertSameText(v) }
    }

    func testTopLevelArrayAndObject() throws {
        XCTAssertEqual(try fastText([1, 2, 3]), "[1,2,3]")
        XCTAssertEqual(try fastText(["x": [1]]), #"{"x":[1]}"#)
        XCTAssertEqual(try fastText([String: Int]()), "{}")
        XCTAssertEqual(try fastText([String]()), "[]")
    }

    func testEmptyStructEncodesAsEmptyObject() throws {
        struct Nothing: Codable, Equatable {}
        XCTAssertEqual(try fastText(Nothing()), "{}")
        XCTAssertEqual(try fastText([Nothing(), Nothing()]), "[{},{}]")
        assertRoundTrip([Nothing()])
    }

    func testValueThatEncodesNothing() throws {
        struct Silent: Encodable { func encode(to encoder: Encoder) throws {} }
        struct Holder: Encodable { let silent = Silent(); let x = 1 }
        // Nested: an empty object, like JSONEncoder.
        XCTAssertEqual(try fastText(Holder()), #"{"silent":{},"x":1}"#)
        assertSameStructure(Holder())
        // Top level: the same error as JSONEncoder.
        XCTAssertThrowsError(try FastJSON.encode(Silent())) { error in
            guard case EncodingError.invalidValue(_, let ctx) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(ctx.debugDescription, "Top-level Silent did not encode any values.")
        }
        XCTAssertThrowsError(try JSONEncoder().encode(Silent()))
    }

    func testSingleValueWrapper() throws {
        struct Meters: Codable, Equatable {
            var value: Double
            init(_ v: Double) { value = v }
            init(from decoder: Decoder) throws { value = try decoder.singleValueContainer().decode(Double.self) }
            func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(value) }
        }
        struct Wrapped<T: Codable & Equatable>: Codable, Equatable {
            var inner: T
            init(_ v: T) { inner = v }
            init(from decoder: Decoder) throws { inner = try decoder.singleValueContainer().decode(T.self) }
            func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(inner) }
        }
        XCTAssertEqual(try fastText(Meters(3)), "3")
        XCTAssertEqual(try fastText([Meters(1.5)]), "[1.5]")
        XCTAssertEqual(try fastText(Wrapped(["a": Meters(2)])), #"{"a":2}"#)
        XCTAssertEqual(try fastText(Wrapped(Wrapped([1, 2]))), "[1,2]")
        assertRoundTrip(Wrapped(Wrapped(["k": [Meters(0.5)]])))
    }
}
