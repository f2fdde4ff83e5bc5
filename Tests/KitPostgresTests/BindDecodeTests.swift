import Foundation
import KitPostgres
import XCTest

final class BindDecodeTests: XCTestCase {
    func testScalarRoundTrip() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let id = UUID()
        let when = Date(timeIntervalSince1970: 1_700_000_000.123456)
        let row = try XCTUnwrap(db.query("""
            SELECT $1::text AS s, $2::int8 AS i, $3::int4 AS i32, $4::int8 AS i64, $5::float8 AS d,
                   $6::bool AS yes, $7::bool AS no, $8::timestamptz AS ts, $9::uuid AS u,
                   $10::int8 AS neg, $11::float8 AS tiny
            """, ["plain text", 42, Int32(-7), Int64.max, 3.25, true, false, when, id, Int.min, 1e-300]).first)
        XCTAssertEqual(try row.string("s"), "plain text")
        XCTAssertEqual(try row.int("i"), 42)
        XCTAssertEqual(try row.decode(Int32.self, "i32"), -7)
        XCTAssertEqual(try row.decode(Int64.self, "i64"), Int64.max)
        XCTAssertEqual(try row.double("d"), 3.25)
        XCTAssertEqual(try row.bool("yes"), true)
        XCTAssertEqual(try row.bool("no"), false)
        XCTAssertEqual(try row.date("ts").timeIntervalSince1970, when.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try row.uuid("u"), id)
        XCTAssertEqual(try row.int("neg"), Int.min)
        XCTAssertEqual(try row.double("tiny"), 1e-300)
        XCTAssertEqual(row.columns, ["s", "i", "i32", "i64", "d", "yes", "no", "ts", "u", "neg", "tiny"])
        XCTAssertEqual(row[0], "plain text")
        XCTAssertNil(row[99])
    }

    func testSpecialDoubles() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let row = try XCTUnwrap(db.query("SELECT $1::float8 AS a, $2::float8 AS b, $3::float8 AS c, $4::float8 AS d",
                                         [Double.infinity, -Double.infinity, Double.nan, 0.1 + 0.2]).first)
        XCTAssertEqual(try row.double("a"), .infinity)
        XCTAssertEqual(try row.double("b"), -.infinity)
        XCTAssertTrue(try row.double("c").isNaN)
        XCTAssertEqual(try row.double("d"), 0.1 + 0.2)
    }

    func testNullsForEveryType() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let noText: String? = nil
        let noInt: Int? = nil
        let noDate: Date? = nil
        let noUUID: UUID? = nil
        let noBytes: [UInt8]? = nil
        let row = try XCTUnwrap(db.query("""
            SELECT $1::text AS s, $2::int8 AS i, $3::timestamptz AS ts, $4::uuid AS u, $5::bytea AS b,
                   $6::text AS plain_nil, $7::float8 AS d, $8::bool AS f, $9::text[] AS arr
            """, [noText, noInt, noDate, noUUID, noBytes, nil, nil, nil, nil]).first)
        for column in row.columns {
            XCTAssertNil(row.optionalString(column), column)
            XCTAssertTrue(try row.isNull(column), column)
        }
        XCTAssertNil(try row.optionalInt("i"))
        XCTAssertNil(try row.optionalDate("ts"))
        XCTAssertNil(try row.optionalUUID("u"))
        XCTAssertNil(try row.optionalBytes("b"))
        XCTAssertNil(try row.optionalDouble("d"))
        XCTAssertNil(try row.optionalBool("f"))
        XCTAssertNil(try row.decodeIfPresent(UUID.self, "u"))
        for column in row.columns {
            XCTAssertThrowsError(try row.string(column)) { error in
                XCTAssertEqual((error as? PGError)?.kind, .decode)
                XCTAssertTrue("\(error)".contains("NULL"), "\(error)")
            }
        }
        XCTAssertThrowsError(try row.int("i"))
        XCTAssertThrowsError(try row.date("ts"))
        XCTAssertThrowsError(try row.uuid("u"))
        XCTAssertThrowsError(try row.bytes("b"))
        XCTAssertThrowsError(try row.stringArray("arr"))
        XCTAssertThrowsError(try row.decode(Int.self, "i"))
        // Missing columns.
        XCTAssertNil(row.optionalString("nope"))
        XCTAssertThrowsError(try row.string("nope")) { XCTAssertEqual(($0 as? PGError)?.kind, .decode) }
        XCTAssertThrowsError(try row.optionalInt("nope")) { XCTAssertEqual(($0 as? PGError)?.kind, .decode) }
    }

    func testOptionalSomeBindsValue() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let name: String? = "x"
        let count: Int? = 5
        let row = try XCTUnwrap(db.query("SELECT $1::text AS a, $2::int AS b", [name, count]).first)
        XCTAssertEqual(try row.string("a"), "x")
        XCTAssertEqual(try row.optionalInt("b"), 5)
    }

    func testUnicodeAndChineseText() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let samples = ["质量报告 — 审批通过", "Grüße, Ærøskøbing", "emoji 🚀👩‍🔬", "tab\tnew\nline\\back 'q' \"dq\"", ""]
        for s in samples {
            let row = try XCTUnwrap(db.query("SELECT $1::text AS s, length($1::text) AS n", [s]).first)
            XCTAssertEqual(try row.string("s"), s)
            XCTAssertEqual(try row.int("n"), s.unicodeScalars.count)
        }
    }

    func testNULCharacterInParameterIsRejected() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        XCTAssertThrowsError(try db.query("SELECT $1::text", ["a\u{0}b"])) { error in
            XCTAssertEqual((error as? PGError)?.kind, .query)
        }
        XCTAssertEqual(try db.query("SELECT 1 AS one").first?.int("one"), 1)
    }

    func testByteaWithZeroBytes() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let bytes: [UInt8] = [0, 0, 1, 2, 0, 255, 0x7f, 0x80, 0, 92, 120]
        let row = try XCTUnwrap(db.query("SELECT $1::bytea AS b, length($1::bytea) AS n", [bytes]).first)
        XCTAssertEqual(try row.bytes("b"), bytes)
        XCTAssertEqual(try row.int("n"), bytes.count)
        let all = [UInt8](0...255)
        XCTAssertEqual(try db.query("SELECT $1::bytea AS b", [all]).first?.bytes("b"), all)
        XCTAssertEqual(try db.query("SELECT $1::bytea AS b", [[UInt8]()]).first?.bytes("b"), [])
        let data = Data([0, 1, 0])
        XCTAssertEqual(try db.query("SELECT $1::bytea AS b", [data]).first?.decode(Data.self, "b"), data)
    }

    func testTextArrayWithQuotesCommasAndNull() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let values = ["a,b", "c\"d", "e\\f", "NULL", "", " padded ", "{brace}", "中文", "x y"]
        let row = try XCTUnwrap(db.query("SELECT $1::text[] AS arr, cardinality($1::text[]) AS n", [values]).first)
        XCTAssertEqual(try row.stringArray("arr"), values)
        XCTAssertEqual(try row.int("n"), values.count)

        let withNull: [String?] = ["x", nil, "NULL", "a,b"]
        let row2 = try XCTUnwrap(db.query("SELECT $1::text[] AS arr, $1::text[] IS NULL AS isnull, ($1::text[])[2] IS NULL AS second_null",
                                          [withNull]).first)
        XCTAssertEqual(try row2.optionalStringArray("arr"), withNull)
        XCTAssertEqual(try row2.bool("second_null"), true)
        XCTAssertThrowsError(try row2.stringArray("arr")) { XCTAssertEqual(($0 as? PGError)?.kind, .decode) }

        // Server-built arrays (unquoted elements, NULL, empty, non-default lower bound).
        let row3 = try XCTUnwrap(db.query("""
            SELECT ARRAY['plain', NULL, 'with space']::text[] AS a, '{}'::text[] AS empty,
                   '[0:1]={x,y}'::text[] AS bounded, ARRAY[1,2,3] AS ints
            """).first)
        XCTAssertEqual(try row3.optionalStringArray("a"), ["plain", nil, "with space"])
        XCTAssertEqual(try row3.stringArray("empty"), [])
        XCTAssertEqual(try row3.stringArray("bounded"), ["x", "y"])
        XCTAssertEqual(try row3.stringArray("ints"), ["1", "2", "3"])
        XCTAssertThrowsError(try db.query("SELECT ARRAY[[1,2],[3,4]] AS m").first!.stringArray("m"))
    }

    func testOtherArraysBindAsArrayLiterals() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let ids = [UUID(), UUID()]
        let row = try XCTUnwrap(db.query("SELECT $1::int8[] AS i, $2::uuid[] AS u, $3 = ANY($2::uuid[]) AS found",
                                         [[1, -2, 3], ids, ids[1]]).first)
        XCTAssertEqual(try row.stringArray("i"), ["1", "-2", "3"])
        XCTAssertEqual(try row.stringArray("u").map { UUID(uuidString: $0) }, ids)
        XCTAssertEqual(try row.bool("found"), true)
    }

    func testJSON() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        struct Payload: Codable, Equatable { var name: String; var tags: [String] }
        let payload = Payload(name: "报告 \"1\"", tags: ["a", "b"])
        let row = try XCTUnwrap(db.query("SELECT $1::jsonb AS j, $1::jsonb ->> 'name' AS name, $2::json AS raw",
                                         [try PGJSON(encoding: payload), PGJSON(#"{"k": [1, 2]}"#)]).first)
        XCTAssertEqual(try row.string("name"), payload.name)
        XCTAssertEqual(try JSONDecoder().decode(Payload.self, from: Data(row.string("j").utf8)), payload)
        XCTAssertEqual(try row.string("raw"), #"{"k": [1, 2]}"#)
    }

    func testIntegralNumericDecodesAsInt() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let row = try XCTUnwrap(db.query("SELECT sum(x) AS s, round(2.0, 3) AS r, 2.5::numeric AS frac FROM (VALUES (1::int8), (2)) v(x)").first)
        XCTAssertEqual(try row.int("s"), 3)
        XCTAssertEqual(try row.int("r"), 2)
        XCTAssertEqual(try row.double("frac"), 2.5)
        XCTAssertThrowsError(try row.int("frac")) { XCTAssertEqual(($0 as? PGError)?.kind, .decode) }
    }

    func testAffectedRowsAndEmptyResult() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        try db.execute("CREATE TEMP TABLE t (x int)")
        XCTAssertEqual(try db.query("INSERT INTO t SELECT generate_series(1, 5)").affectedRows, 5)
        XCTAssertEqual(try db.query("UPDATE t SET x = x + 1 WHERE x > $1", [2]).affectedRows, 3)
        let none = try db.query("SELECT x FROM t WHERE x > $1", [100])
        XCTAssertTrue(none.rows.isEmpty)
        XCTAssertNil(none.first)
        XCTAssertEqual(none.columns, ["x"])
        XCTAssertEqual(try db.query("DELETE FROM t").affectedRows, 5)
    }

    func testHandBuiltRow() throws {
        let row = PGRow(columns: ["id", "name", "tags", "at"], values: ["7", nil, "{a,\"b c\"}", "2024-03-01 20:34:56+08"])
        XCTAssertEqual(try row.int("id"), 7)
        XCTAssertNil(row.optionalString("name"))
        XCTAssertEqual(try row.stringArray("tags"), ["a", "b c"])
        XCTAssertEqual(try row.date("at").timeIntervalSince1970, 1_709_296_496)
        XCTAssertEqual(try row.decode(Int.self, "id"), 7)
        XCTAssertEqual(PGRow(columns: ["a", "b"], values: ["1"]).optionalString("b"), nil)
    }
}
