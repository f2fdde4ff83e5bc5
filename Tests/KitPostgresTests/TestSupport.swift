import Foundation
import KitPostgres
import XCTest

struct MissingTestDatabase: Error, CustomStringConvertible {
    var description: String { "TEST_DATABASE_URL is not set" }
}

/// Access to the test server. Tests FAIL (never skip) when TEST_DATABASE_URL is unset.
enum TestDB {
    static func adminURL(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty else {
            XCTFail("""
                TEST_DATABASE_URL is not set. KitPostgres tests need a PostgreSQL server and an admin \
                (superuser) URL, e.g. TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres
                """, file: file, line: line)
            throw MissingTestDatabase()
        }
        return url
    }

    static func connect(file: StaticString = #filePath, line: UInt = #line) throws -> PGConnection {
        try PGConnection(url: adminURL(file: file, line: line))
    }

    /// A random lower-case identifier with the given prefix.
    static func randomName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A throwaway schema created by the admin connection and dropped (CASCADE) by `drop()`.
final class ScratchSchema {
    let admin: PGConnection
    let name: String
    let adminURL: String
    /// The admin URL with search_path set to this schema.
    let url: String

    init(file: StaticString = #filePath, line: UInt = #line) throws {
        adminURL = try TestDB.adminURL(file: file, line: line)
        admin = try PGConnection(url: adminURL)
        name = TestDB.randomName("kpg_test")
        try admin.execute("CREATE SCHEMA " + TestDB.quote(name))
        try admin.execute("SET search_path TO " + TestDB.quote(name))
        url = PGURL.withSearchPath(adminURL, schema: name)
    }

    func drop() {
        _ = try? admin.execute("DROP SCHEMA IF EXISTS " + TestDB.quote(name) + " CASCADE")
        admin.close()
    }
}

/// Runs `body` on `count` separate OS threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for i in 0..<count {
        group.enter()
        let thread = Thread {
            body(i)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// A value shared between test threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
    var current: Value { withValue { $0 } }
}

/// Lets `parties` threads wait for each other (with a timeout so a bug cannot hang the suite).
final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    private let parties: Int
    init(parties: Int) { self.parties = parties }
    func wait(timeout: TimeInterval = 10) {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        if arrived >= parties { condition.broadcast(); return }
        let deadline = Date().addingTimeInterval(timeout)
        while arrived < parties, condition.wait(until: deadline) {}
    }
}

/// Waits until no backend with `pid` remains (after pg_terminate_backend).
func waitForBackendExit(_ admin: PGConnection, pids: [Int], timeout: TimeInterval = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let left = try admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])", [pids]).first!.int("n")
        if left == 0 { return }
        usleep(20_000)
    }
    XCTFail("backends \(pids) did not exit")
}
