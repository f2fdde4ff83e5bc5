import Foundation
import XCTest
@testable import KitHTTP

final class WorkerPoolTests: XCTestCase {
    final class Gate: @unchecked Sendable {
        let lock = NSCondition()
        var arrived = 0
        var done = 0
        /// Blocks until `n` callers are inside at once (or the deadline passes); true when they were.
        func meet(_ n: Int, deadline: Date) -> Bool {
            lock.lock(); defer { lock.unlock() }
            arrived += 1
            lock.broadcast()
            while arrived < n { if !lock.wait(until: deadline) { return false } }
            return true
        }
        func finish() { lock.lock(); done += 1; lock.broadcast(); lock.unlock() }
        func waitDone(_ n: Int, deadline: Date) -> Bool {
            lock.lock(); defer { lock.unlock() }
            while done < n { if !lock.wait(until: deadline) { return false } }
            return true
        }
    }

    /// Blocking jobs submitted in one batch all run at the same time: the wake-up chain reaches
    /// every parked thread (a pool that woke one thread per batch would never let them meet).
    func testBurstOfBlockingJobsRunsOnEveryThread() {
        for linger in [UInt64(0), 50] {
            let pool = WorkerPool(threads: 8, name: "t", lingerMicros: linger)
            let gate = Gate()
            let ok = Gate()
            let deadline = Date().addingTimeInterval(10)
            var jobs: [WorkerPool.Job] = []
            for _ in 0..<8 {
                jobs.append {
                    if gate.meet(8, deadline: deadline) { ok.finish() }
                    gate.finish()
                }
            }
            pool.submit(batch: &jobs)
            XCTAssertTrue(jobs.isEmpty)
            XCTAssertTrue(gate.waitDone(8, deadline: deadline))
            XCTAssertEqual(ok.done, 8, "linger \(linger)")
            pool.shutdown()
        }
    }

    /// Many small jobs from several threads all run exactly once, and shutdown runs what is queued.
    func testEveryJobRunsOnceAndShutdownDrains() {
        let pool = WorkerPool(threads: 3, name: "t", lingerMicros: 50)
        final class Count: @unchecked Sendable { let lock = NSLock(); var n = 0 }
        let count = Count()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            DispatchQueue.global().async {
                for i in 0..<2_000 {
                    let job: WorkerPool.Job = { count.lock.lock(); count.n += 1; count.lock.unlock() }
                    if i % 2 == 0 { pool.submit(job) } else { var b = [job, job]; pool.submit(batch: &b) }
                }
                group.leave()
            }
        }
        group.wait()
        pool.shutdown()
        XCTAssertEqual(count.n, 4 * (1_000 + 2_000))
    }
}
