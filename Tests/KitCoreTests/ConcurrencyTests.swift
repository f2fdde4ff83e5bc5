import Foundation
import XCTest
import KitCore

private struct Order: Codable, Equatable, Sendable {
    var id: Int
    var customer: String
    var lines: [String: Double]
    var placed: Date
    var note: String?
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ m: String) { lock.lock(); messages.append(m); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return messages }
}

final class ConcurrencyTests: XCTestCase {
    func testEncodeFromEightThreads() throws {
        func order(_ t: Int, _ i: Int) -> Order {
            let lines: [String: Double] = ["a\(i)": Double(i) / 4, "b": 1]
            let placed = Date(timeIntervalSince1970: 1_764_000_000 + Double(i))
            let note: String? = i % 2 == 0 ? nil : "n\"\(i)"
            return Order(id: t * 100 + i, customer: "客户 \(t)", lines: lines, placed: placed, note: note)
        }
        let orders: [[Order]] = (0..<8).map { t in (0..<20).map { i in order(t, i) } }
        let expected = try orders.map { try FastJSON.encode($0) }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { t in
            var buffer: [UInt8] = []
            for round in 0..<300 {
                do {
                    buffer.removeAll(keepingCapacity: true)
                    try FastJSON.encode(orders[t], into: &buffer)
                    if buffer != expected[t] { failures.add("thread \(t) round \(round): different bytes") }
                    if round % 100 == 0, try FastJSON.encode(orders[t]) != expected[t] {
                        failures.add("thread \(t) round \(round): different bytes (fresh buffer)")
                    }
                } catch {
                    failures.add("thread \(t): \(error)")
                }
            }
        }
        XCTAssertEqual(failures.all, [])
        for t in 0..<8 {
            XCTAssertEqual(try FJReference.decoder().decode([Order].self, from: Data(expected[t])), orders[t])
        }
    }

    func testShortLivedThreads() throws {
        // Each thread keeps a spare writer; it must be released cleanly when the thread exits.
        let failures = Failures()
        let expected = try FastJSON.encode(["k": [1, 2, 3]])
        for _ in 0..<4 {
            let group = DispatchGroup()
            for _ in 0..<8 {
                group.enter()
                let thread = Thread {
                    for _ in 0..<50 {
                        if (try? FastJSON.encode(["k": [1, 2, 3]])) != expected { failures.add("different bytes") }
                    }
                    group.leave()
                }
                thread.start()
            }
            group.wait()
        }
        XCTAssertEqual(failures.all, [])
    }
}
