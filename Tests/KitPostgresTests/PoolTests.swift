import Foundation
import KitPostgres
import XCTest

final class PoolTests: XCTestCase {
    func testMoreBorrowersThanConnections() throws {
        let url = try TestDB.adminURL()
        let pool = PGPool(url: url, size: 4, acquireTimeout: 30)
        defer { pool.shutdown() }
        XCTAssertEqual(pool.stats.size, 4)
        XCTAssertEqual(pool.stats.idle, 0)
        XCTAssertEqual(pool.stats.inUse, 0)

        let concurrent = Locked((now: 0, max: 0))
        let pids = Locked(Set<Int>())
        let failures = Locked<[String]>([])
        onThreads(20) { i in
            do {
                let pid = try pool.withConnection { c -> Int in
                    concurrent.withValue { $0.now += 1; $0.max = max($0.max, $0.now) }
                    defer { concurrent.withValue { $0.now -= 1 } }
                    let row = try c.query("SELECT pg_backend_pid() AS pid, $1::int AS i, pg_sleep(0.05)", [i]).first!
                    XCTAssertEqual(try row.int("i"), i)
                    return try row.int("pid")
                }
                pids.withValue { _ = $0.insert(pid) }
            } catch {
                failures.withValue { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.current, [])
        XCTAssertLessThanOrEqual(concurrent.current.max, 4)
        XCTAssertGreaterThan(concurrent.current.max, 1)
        XCTAssertLessThanOrEqual(pids.current.count, 4)
        let stats = pool.stats
        XCTAssertEqual(stats.size, 4)
        XCTAssertEqual(stats.inUse, 0)
        XCTAssertEqual(stats.idle, pids.current.count)
    }

    func testStatsWhileBorrowed() throws {
        let pool = PGPool(url: try TestDB.adminURL(), size: 3)
        defer { pool.shutdown() }
        try pool.withConnection { _ in
            XCTAssertEqual(pool.stats.inUse, 1)
            try pool.withConnection { _ in
                XCTAssertEqual(pool.stats.inUse, 2)
                XCTAssertEqual(pool.stats.idle, 0)
            }
            XCTAssertEqual(pool.stats.inUse, 1)
            XCTAssertEqual(pool.stats.idle, 1)
        }
        XCTAssertEqual(pool.stats.inUse, 0)
        XCTAssertEqual(pool.stats.idle, 2)
    }

    func testAcquireTimeoutWhenAllHeld() throws {
        let pool = PGPool(url: try TestDB.adminURL(), size: 1, acquireTimeout: 0.3)
        defer { pool.shutdown() }
        try pool.withConnection { _ in
            let start = Date()
            XCTAssertThrowsError(try pool.query("SELECT 1")) { error in
                XCTAssertEqual((error as? PGError)?.kind, .poolTimeout, "\(error)")
            }
            let waited = Date().timeIntervalSince(start)
            XCTAssertGreaterThanOrEqual(waited, 0.28)
            XCTAssertLessThan(waited, 3)
        }
        // Held by another thread, released before the timeout: the waiter gets it.
        let held = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? pool.withConnection { _ in
                held.signal()
                release.wait()
            }
        }
        holder.start()
        held.wait()
        XCTAssertThrowsError(try pool.query("SELECT 1")) { XCTAssertEqual(($0 as? PGError)?.kind, .poolTimeout) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.1) { release.signal() }
        XCTAssertEqual(try pool.query("SELECT 1 AS one").first?.int("one"), 1)
        XCTAssertEqual(pool.stats.inUse, 0)
    }

    func testPingAndShutdown() throws {
        let pool = PGPool(url: try TestDB.adminURL(), size: 2)
        XCTAssertTrue(pool.ping())
        XCTAssertEqual(pool.stats.idle, 1)
        pool.shutdown()
        XCTAssertEqual(pool.stats.idle, 0)
        XCTAssertFalse(pool.ping())
        XCTAssertThrowsError(try pool.query("SELECT 1")) { XCTAssertEqual(($0 as? PGError)?.kind, .connection) }
    }

    func testUnreachableServer() throws {
        let pool = PGPool(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", size: 2)
        defer { pool.shutdown() }
        XCTAssertFalse(pool.ping())
        XCTAssertThrowsError(try pool.query("SELECT 1")) { XCTAssertEqual(($0 as? PGError)?.kind, .connection) }
        XCTAssertEqual(pool.stats.inUse, 0)
        XCTAssertEqual(pool.stats.idle, 0)
    }

    func testApplicationNameDefaultsToProcessName() throws {
        let pool = PGPool(url: try TestDB.adminURL(), size: 1)
        defer { pool.shutdown() }
        let name = try pool.query("SELECT current_setting('application_name') AS n").first!.string("n")
        XCTAssertEqual(name, ProcessInfo.processInfo.processName)
        let named = PGPool(url: PGURL.withParameter(try TestDB.adminURL(), "application_name", "kitpg-explicit"), size: 1)
        defer { named.shutdown() }
        XCTAssertEqual(try named.query("SELECT current_setting('application_name') AS n").first?.string("n"), "kitpg-explicit")
    }
}
