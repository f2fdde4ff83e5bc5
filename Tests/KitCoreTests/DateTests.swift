import Foundation
import XCTest
import KitCore

private struct Event: Codable, Equatable {
    var name: String
    var at: Date
    var until: Date?
    var reminders: [Date]
}

final class DateTests: XCTestCase {
    func testRFC3339InChinaTimeWithMilliseconds() throws {
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: 0)), #""1970-01-01T08:00:00.000+08:00""#)
        // 2026-11-25T16:11:39.125Z
        let d = Date(timeIntervalSince1970: 1_795_623_099.125)
        XCTAssertEqual(try fastText(d), #""2026-11-26T00:11:39.125+08:00""#)
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: 1_795_623_099.1239)), #""2026-11-26T00:11:39.123+08:00""#)
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: 1_795_623_099.9999)), #""2026-11-26T00:11:39.999+08:00""#)
        // Leap day, year end in China but not in UTC.
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: 1_709_222_400)), #""2024-03-01T00:00:00.000+08:00""#)
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: 1_767_196_800)), #""2026-01-01T00:00:00.000+08:00""#)
    }

    func testMatchesReferenceOverManyDates() throws {
        var dates: [Date] = []
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &rng)  // 1970...2100
            dates.append(Date(timeIntervalSince1970: Double(ms) / 1000))
        }
        for _ in 0..<500 { dates.append(Date(timeIntervalSince1970: .random(in: 0...4_102_444_800))) }
        XCTAssertEqual(try fastText(dates), try referenceText(dates))
        // Cross-check the reference itself against DateFormatter, on instants a Double holds exactly
        // (multiples of 1/8 s): elsewhere `Time.rfc3339`'s arithmetic, which FastJSON follows, floors
        // t * 1000, so 0.777 stored as 0.77699999... prints .776 where DateFormatter prints .777.
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.calendar = Calendar(identifier: .gregorian)
        f.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSxxx"
        for ms in stride(from: Int64(-86_400_000), through: 4_102_444_800_000, by: 7_777_777_750) {
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            XCTAssertEqual(try fastText(date), "\"\(f.string(from: date))\"")
        }
    }

    func testBefore1970FloorsToTheMillisecond() throws {
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: -1)), #""1970-01-01T07:59:59.000+08:00""#)
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: -1.5)), #""1970-01-01T07:59:58.500+08:00""#)
        XCTAssertEqual(try fastText(Date(timeIntervalSince1970: -2_208_988_800)), #""1900-01-01T08:00:00.000+08:00""#)
    }

    func testDatesInsideValuesRoundTrip() throws {
        let e = Event(name: "review", at: Date(timeIntervalSince1970: 1_764_087_099.5), until: nil,
                      reminders: [Date(timeIntervalSince1970: 1_764_000_000), Date(timeIntervalSince1970: 1_764_000_000.25)])
        assertRoundTrip(e)
        assertRoundTrip(["deadline": Date(timeIntervalSince1970: 1_800_000_000)])
    }

    func testUnrepresentableDatesThrow() {
        XCTAssertThrowsError(try FastJSON.encode(Date.distantFuture.addingTimeInterval(1e15)))
        XCTAssertThrowsError(try FastJSON.encode([Date(timeIntervalSince1970: .infinity)]))
    }
}
