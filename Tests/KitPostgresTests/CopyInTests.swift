import Foundation
import KitPostgres
import XCTest

final class CopyInTests: XCTestCase {
    func testCopyTenThousandRows() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE imported (id int PRIMARY KEY, name text NOT NULL, note text)")
        let tricky = ["tab\there", "new\nline", "back\\slash", "\\N", "cr\r", "中文 🚀", "", "quote'\"", "comma,semi;"]
        let rows = (0..<10_000).lazy.map { i -> [String?] in
            [String(i), "name \(i) " + tricky[i % tricky.count], i % 3 == 0 ? nil : tricky[(i + 1) % tricky.count]]
        }
        let copied = try db.copyIn("COPY imported (id, name, note) FROM STDIN", rows: rows)
        XCTAssertEqual(copied, 10_000)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM imported").first?.int("n"), 10_000)
        for i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9999] {
            let row = try XCTUnwrap(db.query("SELECT name, note FROM imported WHERE id = $1", [i]).first)
            XCTAssertEqual(try row.string("name"), "name \(i) " + tricky[i % tricky.count])
            XCTAssertEqual(row.optionalString("note"), i % 3 == 0 ? nil : tricky[(i + 1) % tricky.count])
        }
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM imported WHERE note IS NULL").first?.int("n"), 3334)
    }

    func testCopyErrorsLeaveConnectionUsable() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE imported (id int PRIMARY KEY, name text)")
        // Duplicate key inside the data: nothing is imported.
        XCTAssertThrowsError(try db.copyIn("COPY imported FROM STDIN", rows: [["1", "a"], ["1", "b"]])) { error in
            XCTAssertEqual((error as? PGError)?.sqlState, "23505")
        }
        // A NUL character cannot be sent: the COPY is aborted.
        XCTAssertThrowsError(try db.copyIn("COPY imported FROM STDIN", rows: [["2", "a\u{0}b"]])) { error in
            XCTAssertEqual((error as? PGError)?.kind, .query)
        }
        // Not a COPY FROM STDIN statement.
        XCTAssertThrowsError(try db.copyIn("SELECT 1", rows: [[String?]]()))
        XCTAssertThrowsError(try db.copyIn("COPY imported TO STDOUT", rows: [[String?]]()))
        XCTAssertThrowsError(try db.copyIn("COPY no_such_table FROM STDIN", rows: [["1"]])) { error in
            XCTAssertEqual((error as? PGError)?.sqlState, "42P01")
        }
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM imported").first?.int("n"), 0)
        XCTAssertEqual(try db.copyIn("COPY imported FROM STDIN", rows: [["3", nil]]), 1)
        XCTAssertEqual(try db.copyIn("COPY imported FROM STDIN", rows: [[String?]]()), 0)
        XCTAssertFalse(db.inTransaction)
    }

    /// `copyIn(text:)`: COPY text the caller built, in buffers (one larger than the 1 MiB sent at
    /// once, rows split across buffers); errors as for rows.
    func testCopyPreparedText() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE imported (id int PRIMARY KEY, name text)")
        var big: [UInt8] = []
        for i in 0..<60_000 { big += Array("\(i)\tname \(i) with a tab\\there\n".utf8) }
        XCTAssertGreaterThan(big.count, 1 << 20)
        let copied = try db.copyIn("COPY imported FROM STDIN", text: [big, Array("60000\tsplit ".utf8), Array("row\n60001\t\\N\n".utf8)])
        XCTAssertEqual(copied, 60_002)
        XCTAssertEqual(try db.query("SELECT name FROM imported WHERE id = $1", [59_999]).first?.string("name"), "name 59999 with a tab\there")
        XCTAssertEqual(try db.query("SELECT name FROM imported WHERE id = $1", [60_000]).first?.string("name"), "split row")
        XCTAssertNil(try db.query("SELECT name FROM imported WHERE id = $1", [60_001]).first?.optionalString("name"))
        XCTAssertThrowsError(try db.copyIn("COPY imported FROM STDIN", text: [Array("1\tagain\n".utf8)])) { error in
            XCTAssertEqual((error as? PGError)?.sqlState, "23505")
        }
        XCTAssertThrowsError(try db.copyIn("SELECT 1", text: []))
        XCTAssertEqual(try db.copyIn("COPY imported FROM STDIN", text: []), 0)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM imported").first?.int("n"), 60_002)
        XCTAssertFalse(db.inTransaction)
    }

    func testCopyThroughPool() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 1)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE imported (id int, tags text[])")
        let copied = try pool.withConnection { c in
            try c.copyIn("COPY imported FROM STDIN", rows: (1...100).map { [String($0), ["x", "y,z"].pgText] })
        }
        XCTAssertEqual(copied, 100)
        XCTAssertEqual(try pool.query("SELECT tags FROM imported WHERE id = $1", [5]).first?.stringArray("tags"), ["x", "y,z"])
    }
}
