import Foundation
import XCTest
@testable import KitCore

/// Request bodies reach `JSON.decode`/`JSON.sharedDecoder` unfiltered: hostile numbers, nesting, dates and
/// escapes must give a thrown DecodingError, never a trap.
final class JSONHardeningTests: XCTestCase {
    struct Shape: Decodable { var small: Int8?; var n: Int?; var u: UInt64?; var at: Date?; var s: String? }

    func testHostileBodiesThrow() {
        let bodies = [
            #"{"small":128}"#, #"{"small":-129}"#, #"{"n":9223372036854775808}"#, #"{"n":-9223372036854775809}"#,
            #"{"n":1e19}"#, #"{"n":1.5}"#, #"{"u":-1}"#, #"{"u":18446744073709551616}"#, #"{"n":1e999}"#,
            #"{"at":"2026-13-01T00:00:00+08:00"}"#, #"{"at":"9999999999-01-01T00:00:00Z"}"#, #"{"at":"x"}"#,
            #"{"s":"\ud800"}"#, #"{"s":"\u12"}"#, String(repeating: "[", count: 100_000),
            String(repeating: #"{"a":"#, count: 10_000), "", "{", "\u{0}",
        ]
        for text in bodies {
            XCTAssertThrowsError(try JSON.decode(Shape.self, from: Array(text.utf8)), text.prefix(40).description)
        }
    }

    func testEdgesThatAreValid() throws {
        let v = try JSON.decode(Shape.self, from: Array(#"{"small":-128,"n":-9223372036854775808,"u":18446744073709551615,"at":"2026-11-26T00:11:39.123+08:00"}"#.utf8))
        XCTAssertEqual(v.small, -128)
        XCTAssertEqual(v.n, Int.min)
        XCTAssertEqual(v.u, UInt64.max)
        XCTAssertNotNil(v.at)
    }
}

/// `Time.parse` replaced ICU's ISO8601DateFormatter, which a long fraction crashed (SIGFPE).
final class TimeParseTests: XCTestCase {
    /// The body the RequestJSON fuzzer found: ICU divided by zero on this fraction and killed the process.
    func testLongFractionFoundByTheFuzzerIsParsedNotFatal() throws {
        let text = "2026-11-26T00:11:39.123" + String(repeating: "8", count: 18) + "+08:00"
        XCTAssertEqual(Time.parse(text).map(Time.rfc3339), "2026-11-26T00:11:39.123+08:00")
        let crasher = "2026-11-26T00:11:39.123" + String(repeating: "8", count: 110) + "+08:00"
        XCTAssertNil(Time.parse(crasher), "longer than 64 bytes")
        XCTAssertNotNil(Time.parse("2026-01-01T00:00:00.1234567890123456789012345678901234567890123Z"), "64 bytes")
        let body = #"{"at":""# + crasher + #""}"#
        struct Shape: Decodable { var at: Date }
        XCTAssertThrowsError(try JSON.decode(Shape.self, from: Array(body.utf8)))
    }

    func testAgreesWithFoundationOnWellFormedTimes() {
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        var rng = SystemRandomNumberGenerator()
        let offsets = ["Z", "+08:00", "-05:30", "+00:00", "+14:00", "-00:00"]
        for _ in 0..<2000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &rng)
            let base = Time.rfc3339(Date(timeIntervalSince1970: Double(ms) / 1000))  // +08:00 with .mmm
            let offset = offsets.randomElement(using: &rng)!
            let withOffset = String(base.dropLast(6)) + offset
            XCTAssertEqual(Time.parse(withOffset), reference.date(from: withOffset), withOffset)
            XCTAssertEqual(Time.parse(base), reference.date(from: base), base)
            let whole = String(base.dropLast(10)) + offset
            XCTAssertEqual(Time.parse(whole), plain.date(from: whole), whole)
        }
        for text in ["2026-11-26T00:11:39.1239+08:00", "2026-11-26T00:11:39.9999Z", "1969-12-31T23:59:59.9999Z",
                     "2026-11-26T00:11:39.123456-05:30"] {
            XCTAssertEqual(Time.parse(text), reference.date(from: text), "truncated to ms like Foundation: \(text)")
        }
        for text in ["2026-11-26T00:11:39-0530", "2026-11-26T00:11:39+08"] {
            XCTAssertEqual(Time.parse(text), plain.date(from: text), text)
        }
        XCTAssertEqual(Time.parse("1970-01-01T00:00:00Z"), Date(timeIntervalSince1970: 0))
        XCTAssertEqual(Time.parse("2024-02-29t23:59:59.5z"), Date(timeIntervalSince1970: 1_709_251_199.5))
    }

    func testRefusesWhatIsNoRFC3339Time() {
        for text in ["", "2026-11-26", "2026-11-26T00:11:39", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
                     "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z",
                     "2026-01-01T00:00:60Z", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+08:60", "2026-01-01T00:00:00+08:0",
                     "2026-01-01T00:00:00+8", " 2026-01-01T00:00:00Z",
                     "2026-01-01T00:00:00.Z", "2026-01-01 00:00:00Z", "0000-01-01T00:00:00Z", "+2026-01-01T00:00:00Z",
                     "2026-01-01T00:00:00Zjunk", "２０２６-01-01T00:00:00Z"] {
            XCTAssertNil(Time.parse(text), text)
        }
    }
}
