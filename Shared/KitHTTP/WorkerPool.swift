import Foundation

/// Threads for blocking handlers (libpq, libcurl, file I/O), so the event loops never block.
/// The queue's lock is on this path only; inline routes never touch it.
final class WorkerPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopping = false
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    init(threads count: Int, name: String) {
        for i in 0..<max(1, count) {
            finished.enter()
            let t = Thread { [self] in self.work() }
            t.name = "\(name)-worker-\(i)"
            t.stackSize = 1 << 20
            threads.append(t)
            t.start()
        }
    }

    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs the queued jobs, then stops the threads.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    private func work() {
        defer { finished.leave() }
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count && stopping { condition.unlock(); return }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
