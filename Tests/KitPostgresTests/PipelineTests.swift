import Foundation
import KitPostgres
import XCTest

final class PipelineTests: XCTestCase {
    func testStatementsRunInOrderWithTheirResults() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
        let out = try db.transaction {
            try db.pipeline([
                PGQuery("INSERT INTO items VALUES ($1, $2)", [1, "一"]),
                PGQuery("SELECT count(*) AS n FROM items"),            // sees the insert before it
                PGQuery("INSERT INTO items VALUES ($1, $2) RETURNING id, name", [2, "tab\there 🚀"]),
                PGQuery("SELECT name FROM items WHERE id = $1", [nil]), // NULL parameter: no row
                PGQuery("UPDATE items SET name = name || '!'"),
            ])
        }
        XCTAssertNil(out.error)
        XCTAssertEqual(try out.result(0).affectedRows, 1)
        XCTAssertEqual(try out.result(1).first?.int("n"), 1)
        XCTAssertEqual(try out.result(2).first?.string("name"), "tab\there 🚀")
        XCTAssertEqual(try out.result(3).rows.count, 0)
        XCTAssertEqual(try out.result(4).affectedRows, 2)
        XCTAssertEqual(try db.query("SELECT string_agg(name, ',' ORDER BY id) AS s FROM items").first?.string("s"),
                       "一!,tab\there 🚀!")
        // The connection is back in normal mode: plain statements and another pipeline work.
        XCTAssertEqual(try db.query("SELECT 41 + 1 AS n").first?.int("n"), 42)
        XCTAssertEqual(try db.pipeline([PGQuery("SELECT 1 AS a"), PGQuery("SELECT 2 AS b")]).result(1).first?.int("b"), 2)
    }

    /// A failing statement skips the rest; the answers before it are kept, the transaction is
    /// aborted and rolled back, and the connection stays usable.
    func testFailureSkipsTheRestAndAbortsTheTransaction() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)")
        try db.query("INSERT INTO items VALUES (1, 'a')")
        struct Refused: Error {}
        XCTAssertThrowsError(try db.transaction { () throws -> Void in
            let out = try db.pipeline([
                PGQuery("SELECT id FROM items WHERE id = $1 FOR UPDATE", [1]),
                PGQuery("INSERT INTO items VALUES ($1, $2)", [2, "b"]),
                PGQuery("INSERT INTO items VALUES ($1, $2)", [1, "duplicate"]),
                PGQuery("INSERT INTO items VALUES ($1, $2)", [3, "never run"]),
            ])
            XCTAssertEqual(try out.result(0).first?.int("id"), 1)
            XCTAssertEqual(try out.result(1).affectedRows, 1)
            XCTAssertEqual(out.error?.sqlState, "23505")
            XCTAssertThrowsError(try out.result(2)) { XCTAssertEqual(($0 as? PGError)?.sqlState, "23505") }
            XCTAssertThrowsError(try out.result(3)) { XCTAssertEqual(($0 as? PGError)?.sqlState, "23505") }
            throw Refused()
        }) { XCTAssertTrue($0 is Refused) }
        XCTAssertFalse(db.inTransaction)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM items").first?.int("n"), 1)
        // Outside a transaction each statement commits on its own until the failure.
        let out = try db.pipeline([
            PGQuery("INSERT INTO items VALUES ($1, $2)", [4, "d"]),
            PGQuery("SELECT 1 / $1::int AS x", [0]),
            PGQuery("INSERT INTO items VALUES ($1, $2)", [5, "e"]),
        ])
        XCTAssertEqual(out.error?.sqlState, "22012")
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM items").first?.int("n"), 1,
                       "one implicit transaction up to the sync point: the failure rolls back the insert before it")
        XCTAssertEqual(try db.query("SELECT 7 AS n").first?.int("n"), 7)
    }

    func testRefusedBeforeSendingAndEmpty() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        XCTAssertNil(try db.pipeline([]).error)
        // A NUL in a parameter is refused before anything is sent.
        XCTAssertThrowsError(try db.pipeline([PGQuery("SELECT 1"), PGQuery("SELECT $1::text", ["a\u{0}b"])])) { error in
            XCTAssertEqual((error as? PGError)?.kind, .query)
        }
        XCTAssertEqual(try db.query("SELECT 3 AS n").first?.int("n"), 3)
    }

    /// Through the pool's transaction (what the services use), with several threads at once.
    func testPooledTransactionsOnThreads() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        try scratch.admin.execute("CREATE TABLE counters (k int PRIMARY KEY, n int NOT NULL)")
        try scratch.admin.query("INSERT INTO counters VALUES (1, 0)")
        let pool = PGPool(url: scratch.url, size: 4, acquireTimeout: 30)
        defer { pool.shutdown() }
        onThreads(4) { _ in
            for _ in 0..<25 {
                _ = try? pool.transaction { conn in
                    let out = try conn.pipeline([
                        PGQuery("SELECT n FROM counters WHERE k = $1 FOR UPDATE", [1]),
                        PGQuery("UPDATE counters SET n = n + 1 WHERE k = $1", [1]),
                    ])
                    _ = try out.result(1)
                }
            }
        }
        XCTAssertEqual(try scratch.admin.query("SELECT n FROM counters WHERE k = 1").first?.int("n"), 100)
    }
}

final class OpeningTransactionTests: XCTestCase {
    /// BEGIN and the opening statements in one round trip: a transaction-level advisory lock is
    /// held for the body and released by the COMMIT or the ROLLBACK.
    func testOpeningLockHeldUntilTheEnd() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        let other = try PGConnection(url: scratch.url)
        defer { other.close() }
        try db.execute("CREATE TABLE items (id int PRIMARY KEY)")
        let lock = PGQuery("SELECT pg_advisory_xact_lock($1::bigint)", [Int64(0x00D0_1234)])
        let tryLock = "SELECT pg_try_advisory_lock($1::bigint) AS got"
        try db.transaction(opening: [lock]) {
            XCTAssertTrue(db.inTransaction)
            XCTAssertEqual(try other.query(tryLock, [Int64(0x00D0_1234)]).first?.bool("got"), false, "held inside")
            try db.query("INSERT INTO items VALUES (1)")
        }
        XCTAssertFalse(db.inTransaction)
        XCTAssertEqual(try other.query(tryLock, [Int64(0x00D0_1234)]).first?.bool("got"), true, "released by COMMIT")
        try other.query("SELECT pg_advisory_unlock($1::bigint)", [Int64(0x00D0_1234)])
        struct Refused: Error {}
        XCTAssertThrowsError(try db.transaction(opening: [lock]) { () throws -> Void in
            try db.query("INSERT INTO items VALUES (2)")
            throw Refused()
        }) { XCTAssertTrue($0 is Refused) }
        XCTAssertEqual(try other.query(tryLock, [Int64(0x00D0_1234)]).first?.bool("got"), true, "released by ROLLBACK")
        try other.query("SELECT pg_advisory_unlock($1::bigint)", [Int64(0x00D0_1234)])
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM items").first?.int("n"), 1)
        // A failing opening statement: nothing of the body runs, the transaction is gone.
        var ran = false
        XCTAssertThrowsError(try db.transaction(opening: [PGQuery("SELECT 1 / 0")]) { ran = true }) {
            XCTAssertEqual(($0 as? PGError)?.sqlState, "22012")
        }
        XCTAssertFalse(ran)
        XCTAssertFalse(db.inTransaction)
        XCTAssertEqual(try db.query("SELECT 5 AS n").first?.int("n"), 5)
    }
}
