import Foundation
import KitPostgres
import XCTest

private struct BodyFailed: Error {}

final class TransactionTests: XCTestCase {
    func testCommitAndRollbackOnThrow() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 2)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE items (name text PRIMARY KEY)")

        let inserted = try pool.transaction { c -> Int in
            try c.query("INSERT INTO items VALUES ($1)", ["a"])
            try c.query("INSERT INTO items VALUES ($1)", ["b"])
            return try c.query("SELECT count(*) AS n FROM items").first!.int("n")
        }
        XCTAssertEqual(inserted, 2)

        XCTAssertThrowsError(try pool.transaction { c in
            try c.query("INSERT INTO items VALUES ($1)", ["c"])
            throw BodyFailed()
        }) { XCTAssertTrue($0 is BodyFailed) }

        XCTAssertThrowsError(try pool.transaction { c in
            try c.query("INSERT INTO items VALUES ($1)", ["d"])
            try c.query("INSERT INTO items VALUES ($1)", ["a"])  // unique violation
        }) { XCTAssertEqual(($0 as? PGError)?.isUniqueViolation, true) }

        let names = try pool.query("SELECT name FROM items ORDER BY name").rows.map { try $0.string("name") }
        XCTAssertEqual(names, ["a", "b"])
        XCTAssertEqual(pool.stats.inUse, 0)
    }

    func testErrorCaughtInsideBodyStillAbortsTransaction() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 1)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE items (name text PRIMARY KEY)")
        try pool.query("INSERT INTO items VALUES ($1)", ["a"])
        XCTAssertThrowsError(try pool.transaction { c in
            try c.query("INSERT INTO items VALUES ($1)", ["b"])
            _ = try? c.query("INSERT INTO items VALUES ($1)", ["a"])  // swallowed
        }) { error in
            XCTAssertEqual((error as? PGError)?.sqlState, "23505", "\(error)")
        }
        XCTAssertEqual(try pool.query("SELECT count(*) AS n FROM items").first?.int("n"), 1)
    }

    func testTransactionLeftOpenIsRolledBackOnReturn() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 1)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE items (name text)")
        try pool.withConnection { c in
            try c.execute("BEGIN")
            try c.query("INSERT INTO items VALUES ($1)", ["leaked"])
        }
        XCTAssertEqual(try pool.query("SELECT count(*) AS n FROM items").first?.int("n"), 0)
        XCTAssertEqual(pool.stats.idle, 1)
    }

    func testIsolationLevelIsApplied() throws {
        let pool = PGPool(url: try TestDB.adminURL(), size: 1)
        defer { pool.shutdown() }
        for level in [PGIsolation.readCommitted, .repeatableRead, .serializable] {
            let shown = try pool.transaction(isolation: level) { c in
                try c.query("SHOW transaction_isolation").first!.string("transaction_isolation")
            }
            XCTAssertEqual(shown.uppercased(), level.rawValue)
        }
    }

    func testConnectionLevelTransaction() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        try db.execute("CREATE TEMP TABLE t (x int)")
        try db.transaction { try db.query("INSERT INTO t VALUES ($1)", [1]) }
        XCTAssertThrowsError(try db.transaction { try db.query("INSERT INTO t VALUES ($1)", [2]); throw BodyFailed() })
        XCTAssertFalse(db.inTransaction)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM t").first?.int("n"), 1)
    }
}

final class SerializationRetryTests: XCTestCase {
    /// Both transactions read the counter before either writes, so under SERIALIZABLE the
    /// second writer gets 40001; the pool retries it and both increments land.
    func testConcurrentSerializableUpdatesBothSucceed() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let events = Locked<[String]>([])
        let pool = PGPool(url: scratch.url, size: 4, onEvent: { e in events.withValue { $0.append(e) } })
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)")
        try pool.query("INSERT INTO counter VALUES (1, 0)")

        let barrier = Barrier(parties: 2)
        let attempts = Locked([0, 0])
        let failures = Locked<[String]>([])
        onThreads(2) { t in
            do {
                try pool.transaction(isolation: .serializable) { c in
                    let attempt = attempts.withValue { $0[t] += 1; return $0[t] }
                    let n = try c.query("SELECT n FROM counter WHERE id = 1").first!.int("n")
                    if attempt == 1 { barrier.wait() }
                    try c.query("UPDATE counter SET n = $1 WHERE id = 1", [n + 1])
                }
            } catch {
                failures.withValue { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.current, [])
        XCTAssertEqual(try pool.query("SELECT n FROM counter WHERE id = 1").first?.int("n"), 2)
        XCTAssertEqual(attempts.current.reduce(0, +), 3, "exactly one transaction should have been retried")
        XCTAssertTrue(events.current.contains { $0.contains("serialization") }, "\(events.current)")
    }

    func testContendedIncrementsAllLand() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 4)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)")
        try pool.query("INSERT INTO counter VALUES (1, 0)")
        let failures = Locked<[String]>([])
        onThreads(2) { _ in
            for _ in 0..<10 {
                do {
                    try pool.transaction(isolation: .serializable, retries: 20) { c in
                        let n = try c.query("SELECT n FROM counter WHERE id = 1").first!.int("n")
                        try c.query("UPDATE counter SET n = $1 WHERE id = 1", [n + 1])
                    }
                } catch {
                    failures.withValue { $0.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(failures.current, [])
        XCTAssertEqual(try pool.query("SELECT n FROM counter WHERE id = 1").first?.int("n"), 20)
    }

    func testNonSerializationErrorsAreNotRetried() throws {
        let pool = PGPool(url: try TestDB.adminURL(), size: 1)
        defer { pool.shutdown() }
        let runs = Locked(0)
        XCTAssertThrowsError(try pool.transaction(isolation: .serializable) { c in
            runs.withValue { $0 += 1 }
            try c.query("SELECT 1/0")
        }) { XCTAssertEqual(($0 as? PGError)?.sqlState, "22012") }
        XCTAssertEqual(runs.current, 1)
    }
}
