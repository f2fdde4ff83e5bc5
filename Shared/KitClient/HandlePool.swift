import CCurl
import Foundation

/// A mutex-protected LIFO stack of curl easy handles. Handing the most recently used handle out first
/// means consecutive requests to one host reuse its open connection.
final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [CurlHandle] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// A pooled handle, or a new one when the pool is empty.
    func checkout() throws -> CurlHandle {
        lock.lock()
        let pooled = idle.popLast()
        lock.unlock()
        if let pooled { return pooled }
        guard let fresh = CurlHandle() else { throw ClientError.transport("curl_easy_init failed") }
        return fresh
    }

    /// Resets the handle (dropping every option and pointer, keeping connections) and keeps it,
    /// unless the pool is full, in which case it is cleaned up (closing its connections).
    func checkin(_ handle: CurlHandle) {
        handle.reset()
        lock.lock()
        if idle.count < capacity {
            idle.append(handle)
            lock.unlock()
        } else {
            lock.unlock()
            // `handle` is released here, outside the lock: deinit runs curl_easy_cleanup.
        }
    }

    var idleCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return idle.count
    }
}
