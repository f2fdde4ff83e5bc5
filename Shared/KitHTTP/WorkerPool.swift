import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads for blocking handlers (libpq, libcurl, file I/O), so the event loops never block.
/// The queue's lock is on this path only; inline routes never touch it.
///
/// Built to keep hand-offs cheap (the bench's worker route is mostly hand-off):
/// - an event loop submits the jobs of one epoll wake as one batch (one lock);
/// - parked workers wait on their own semaphore, most recently parked first, so a light load
///   runs on few, cache-warm threads;
/// - at most one wake-up is in flight: a woken worker that finds more queued jobs wakes the next
///   (a chain), so a burst reaches every thread while a trickle wakes one;
/// - a worker that finds the queue empty stays awake for a short while before parking, so a
///   steady stream of requests is taken without futex wake-ups.
final class WorkerPool: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let semaphores: UnsafeMutablePointer<sem_t>
    private let count: Int
    // Guarded by `mutex`.
    private var ring: [Job?]
    private var ringHead = 0
    private var ringCount = 0
    private var parked: [Int] = []
    /// Workers awake without a job: woken and not yet served, or lingering.
    private var searchers = 0
    private var stopping = false
    private let finished = DispatchGroup()
    /// How long (µs) a worker without work keeps looking before it parks.
    private let lingerMicros: UInt64

    init(threads: Int, name: String, lingerMicros: UInt64 = 50) {
        count = max(1, threads)
        self.lingerMicros = lingerMicros
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        semaphores = .allocate(capacity: count)
        for i in 0..<count { sem_init(semaphores + i, 0, 0) }
        ring = [Job?](repeating: nil, count: 256)
        parked.reserveCapacity(count)
        for i in 0..<count {
            finished.enter()
            let t = Thread { [self] in self.work(i) }
            t.name = "\(name)-worker-\(i)"
            t.stackSize = 1 << 20
            t.start()
        }
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        for i in 0..<count { sem_destroy(semaphores + i) }
        semaphores.deallocate()
    }

    func submit(_ job: @escaping Job) {
        pthread_mutex_lock(mutex)
        push(job)
        let wake = takeWake()
        pthread_mutex_unlock(mutex)
        if wake >= 0 { sem_post(semaphores + wake) }
    }

    /// Queues several jobs under one lock; empties `jobs` (keeping its capacity).
    func submit(batch jobs: inout [Job]) {
        if jobs.isEmpty { return }
        pthread_mutex_lock(mutex)
        for j in jobs { push(j) }
        let wake = takeWake()
        pthread_mutex_unlock(mutex)
        jobs.removeAll(keepingCapacity: true)
        if wake >= 0 { sem_post(semaphores + wake) }
    }

    /// Runs the queued jobs, then stops the threads.
    func shutdown() {
        pthread_mutex_lock(mutex)
        stopping = true
        let sleepers = parked
        parked.removeAll()
        searchers += sleepers.count
        pthread_mutex_unlock(mutex)
        for i in sleepers { sem_post(semaphores + i) }
        finished.wait()
    }

    // MARK: under the lock

    private func push(_ job: @escaping Job) {
        if ringCount == ring.count {
            // Grow: unroll into a bigger ring.
            var bigger = [Job?](repeating: nil, count: ring.count * 2)
            for k in 0..<ringCount { bigger[k] = ring[(ringHead + k) % ring.count] }
            ring = bigger
            ringHead = 0
        }
        ring[(ringHead + ringCount) % ring.count] = job
        ringCount += 1
    }

    private func pop() -> Job? {
        guard ringCount > 0 else { return nil }
        let job = ring[ringHead]
        ring[ringHead] = nil
        ringHead = (ringHead + 1) % ring.count
        ringCount -= 1
        return job
    }

    /// The parked worker to wake (most recently parked) when work is queued and no worker is
    /// already looking for it; -1 for none.
    private func takeWake() -> Int {
        guard ringCount > 0, searchers == 0, let w = parked.popLast() else { return -1 }
        searchers += 1
        return w
    }

    // MARK: worker thread

    private func work(_ me: Int) {
        defer { finished.leave() }
        var searching = false // counted in `searchers` (woken, or lingering)
        var lingered = false
        pthread_mutex_lock(mutex)
        while true {
            if let job = pop() {
                if searching { searchers -= 1; searching = false }
                lingered = false
                let wake = takeWake() // more queued and nobody looking: pass the baton
                pthread_mutex_unlock(mutex)
                if wake >= 0 { sem_post(semaphores + wake) }
                job()
                pthread_mutex_lock(mutex)
                continue
            }
            if stopping { break }
            if lingerMicros > 0 && !lingered && (searching || searchers == 0) {
                // One worker at a time lingers, polling with trylock so it never sleeps on the lock.
                if !searching { searchers += 1; searching = true }
                lingered = true
                pthread_mutex_unlock(mutex)
                let deadline = WorkerPool.micros() &+ lingerMicros
                var locked = false
                while WorkerPool.micros() < deadline {
                    sched_yield()
                    if pthread_mutex_trylock(mutex) == 0 {
                        if ringCount > 0 || stopping { locked = true; break }
                        pthread_mutex_unlock(mutex)
                    }
                }
                if !locked { pthread_mutex_lock(mutex) }
                continue
            }
            if searching { searchers -= 1; searching = false }
            parked.append(me)
            pthread_mutex_unlock(mutex)
            while sem_wait(semaphores + me) != 0 && errno == EINTR {}
            pthread_mutex_lock(mutex)
            searching = true // the waker counted us
            lingered = false
        }
        if searching { searchers -= 1 }
        pthread_mutex_unlock(mutex)
    }

    private static func micros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000 &+ UInt64(ts.tv_nsec) / 1000
    }
}
