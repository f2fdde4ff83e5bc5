import Foundation
import KitPostgres
import XCTest

final class ReconnectTests: XCTestCase {
    private func terminate(_ admin: PGConnection, applicationName: String) throws -> [Int] {
        try admin.query("""
            SELECT pid, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
            WHERE application_name = $1 AND pid <> pg_backend_pid()
            """, [applicationName]).rows.map { try $0.int("pid") }
    }

    /// Opens `count` connections at once so the pool holds that many idle ones.
    private func warm(_ pool: PGPool, _ count: Int) throws {
        func nest(_ n: Int) throws {
            guard n > 0 else { return }
            try pool.withConnection { c in
                try c.query("SELECT 1")
                try nest(n - 1)
            }
        }
        try nest(count)
    }

    func testPoolRecoversAfterBackendsAreTerminated() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let appName = TestDB.randomName("kpg_reconnect")
        let events = Locked<[String]>([])
        let pool = PGPool(url: PGURL.withParameter(scratch.url, "application_name", appName), size: 3,
                          onEvent: { e in events.withValue { $0.append(e) } })
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE log (n int)")
        try warm(pool, 3)
        XCTAssertEqual(pool.stats.idle, 3)

        // Terminated and gone: the idle probe notices.
        let pids = try terminate(scratch.admin, applicationName: appName)
        XCTAssertEqual(pids.count, 3)
        try waitForBackendExit(scratch.admin, pids: pids)
        XCTAssertEqual(try pool.query("SELECT 1 AS one").first?.int("one"), 1)
        try pool.query("INSERT INTO log VALUES ($1)", [1])

        // Terminated and queried immediately (the backends may still be exiting).
        try warm(pool, 3)
        XCTAssertEqual(try terminate(scratch.admin, applicationName: appName).count, 3)
        try pool.query("INSERT INTO log VALUES ($1)", [2])
        try warm(pool, 3)
        XCTAssertEqual(try terminate(scratch.admin, applicationName: appName).count, 3)
        XCTAssertEqual(try pool.query("SELECT count(*) AS n FROM log").first?.int("n"), 2)
        XCTAssertEqual(try pool.query("SELECT count(*) AS n FROM log").first?.int("n"), 2)

        XCTAssertTrue(pool.ping())
        XCTAssertEqual(pool.stats.inUse, 0)
        XCTAssertTrue(events.current.contains { $0.contains("discarded") || $0.contains("retrying") }, "\(events.current)")
    }

    func testReadOnlyBodyIsRetriedOnFreshConnection() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 2)
        defer { pool.shutdown() }
        let runs = Locked(0)
        let value = try pool.withConnection { c -> Int in
            let run = runs.withValue { $0 += 1; return $0 }
            let pid = try c.query("SELECT pg_backend_pid() AS pid").first!.int("pid")
            if run == 1 {
                try scratch.admin.query("SELECT pg_terminate_backend($1)", [pid])
                try waitForBackendExit(scratch.admin, pids: [pid])
            }
            return try c.query("SELECT 7 AS v").first!.int("v")
        }
        XCTAssertEqual(value, 7)
        XCTAssertEqual(runs.current, 2)
    }

    func testBodyThatWroteIsNotRetried() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 2)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE log (n int)")
        let runs = Locked(0)
        XCTAssertThrowsError(try pool.withConnection { c in
            runs.withValue { $0 += 1 }
            try c.query("INSERT INTO log VALUES ($1)", [1])
            try scratch.admin.query("SELECT pg_terminate_backend($1)", [c.backendPID])
            try waitForBackendExit(scratch.admin, pids: [c.backendPID])
            try c.query("SELECT 1")
        }) { XCTAssertEqual(($0 as? PGError)?.kind, .connection, "\($0)") }
        XCTAssertEqual(runs.current, 1)
        XCTAssertEqual(try pool.query("SELECT count(*) AS n FROM log").first?.int("n"), 1)
        XCTAssertEqual(pool.stats.inUse, 0)
    }

    func testTransactionRetriedWhenConnectionLostBeforeCommit() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let pool = PGPool(url: scratch.url, size: 2)
        defer { pool.shutdown() }
        try pool.query("CREATE TABLE log (n int)")
        let runs = Locked(0)
        try pool.transaction { c in
            let run = runs.withValue { $0 += 1; return $0 }
            try c.query("INSERT INTO log VALUES ($1)", [run])
            if run == 1 {
                try scratch.admin.query("SELECT pg_terminate_backend($1)", [c.backendPID])
                try waitForBackendExit(scratch.admin, pids: [c.backendPID])
                try c.query("SELECT 1")
            }
        }
        XCTAssertEqual(runs.current, 2)
        XCTAssertEqual(try pool.query("SELECT n FROM log").rows.map { try $0.int("n") }, [2])
    }

    func testConnectionResetAfterTermination() throws {
        let admin = try TestDB.connect()
        defer { admin.close() }
        let db = try TestDB.connect()
        defer { db.close() }
        let pid = db.backendPID
        try admin.query("SELECT pg_terminate_backend($1)", [pid])
        try waitForBackendExit(admin, pids: [pid])
        XCTAssertThrowsError(try db.query("SELECT 1")) { XCTAssertEqual(($0 as? PGError)?.kind, .connection, "\($0)") }
        XCTAssertFalse(db.isAlive)
        try db.reset()
        XCTAssertTrue(db.isAlive)
        XCTAssertNotEqual(db.backendPID, pid)
        XCTAssertEqual(try db.query("SELECT 1 AS one").first?.int("one"), 1)
    }
}
