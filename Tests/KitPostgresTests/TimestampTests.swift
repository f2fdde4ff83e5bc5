import Foundation
import KitPostgres
import XCTest

final class TimestampTests: XCTestCase {
    func testRoundTripInChinaStandardTime() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        try db.execute("SET timezone = 'Asia/Shanghai'")
        let when = Date(timeIntervalSince1970: 1_767_225_600.654321)  // 2026-01-01T00:00:00.654321Z
        let row = try XCTUnwrap(db.query("SELECT $1::timestamptz AS ts, ($1::timestamptz)::text AS txt", [when]).first)
        XCTAssertEqual(try row.string("txt"), "2026-01-01 08:00:00.654321+08")
        XCTAssertEqual(try row.date("ts").timeIntervalSince1970, when.timeIntervalSince1970, accuracy: 1e-6)
        // Stored and read back through a table.
        try db.execute("CREATE TEMP TABLE ev (at timestamptz, maybe timestamptz)")
        try db.query("INSERT INTO ev VALUES ($1, $2)", [when, nil])
        let back = try XCTUnwrap(db.query("SELECT at, maybe FROM ev").first)
        XCTAssertEqual(try back.date("at").timeIntervalSince1970, when.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertNil(try back.optionalDate("maybe"))
    }

    func testParsesOffsetsFractionsAndSpecialValues() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        func date(_ literal: String, zone: String) throws -> Date {
            try db.query("SELECT set_config('timezone', $1, false)", [zone])
            return try XCTUnwrap(db.query("SELECT $1::timestamptz AS t", [literal]).first).date("t")
        }
        let expected = Date(timeIntervalSince1970: 1_709_296_496.789)  // 2024-03-01T12:34:56.789Z
        XCTAssertEqual(try date("2024-03-01 20:34:56.789+08:00", zone: "Asia/Shanghai").timeIntervalSince1970,
                       expected.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try date("2024-03-01T12:34:56.789Z", zone: "Asia/Kolkata").timeIntervalSince1970,
                       expected.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try date("2024-03-01 12:34:56.789Z", zone: "America/St_Johns").timeIntervalSince1970,
                       expected.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try date("2024-03-01 12:34:56Z", zone: "UTC").timeIntervalSince1970, 1_709_296_496)
        // Local mean time offsets have seconds: 1900-01-01 08:05:43+08:05:43.
        XCTAssertEqual(try date("1900-01-01 00:00:00Z", zone: "Asia/Shanghai").timeIntervalSince1970, -2_208_988_800)
        // 0001-01-01 BC is 366 days (a leap year in the proleptic calendar) before 0001-01-01 AD.
        XCTAssertEqual(try date("0001-01-01 00:00:00Z BC", zone: "UTC").timeIntervalSince1970,
                       try date("0001-01-01 00:00:00Z", zone: "UTC").timeIntervalSince1970 - 366 * 86_400)
        XCTAssertEqual(try date("infinity", zone: "UTC"), .distantFuture)
        XCTAssertEqual(try date("-infinity", zone: "UTC"), .distantPast)

        let row = try XCTUnwrap(db.query("SELECT '2024-03-01'::date AS d, '2024-03-01 12:34:56.5'::timestamp AS ts, 'nope' AS bad").first)
        XCTAssertEqual(try row.date("d").timeIntervalSince1970, 1_709_251_200)
        XCTAssertEqual(try row.date("ts").timeIntervalSince1970, 1_709_296_496.5)
        XCTAssertThrowsError(try row.date("bad")) { XCTAssertEqual(($0 as? PGError)?.kind, .decode) }
    }

    func testBindFormatIsRFC3339UTC() throws {
        let when = Date(timeIntervalSince1970: 1_709_296_496.000_123)
        XCTAssertEqual(when.pgText, "2024-03-01T12:34:56.000123Z")
        XCTAssertEqual(Date(timeIntervalSince1970: -1.5).pgText, "1969-12-31T23:59:58.500000Z")
        XCTAssertEqual(Date(timeIntervalSince1970: 0.9999996).pgText, "1970-01-01T00:00:01.000000Z")
    }

    func testBCRoundTrip() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let row = try XCTUnwrap(db.query("SELECT '0001-06-01 00:00:00Z BC'::timestamptz AS t").first)
        let d = try row.date("t")
        let back = try XCTUnwrap(db.query("SELECT $1::timestamptz = '0001-06-01 00:00:00Z BC'::timestamptz AS same", [d]).first)
        XCTAssertEqual(try back.bool("same"), true, d.pgText ?? "")
    }
}
