import Foundation

/// Token buckets keyed by client address or account: `rate` tokens a second, up to `burst`.
/// Sharded locks keep contention low; idle buckets are dropped when a shard grows.
final class RateLimiter: @unchecked Sendable {
    struct Bucket { var tokens: Double; var updated: Double }

    let rate: Double
    let burst: Double
    private let shards: [(NSLock, UnsafeMutablePointer<[String: Bucket]>)]

    init(rate: Double, burst: Double, shards: Int = 16) {
        self.rate = rate
        self.burst = burst
        self.shards = (0..<shards).map { _ in
            let p = UnsafeMutablePointer<[String: Bucket]>.allocate(capacity: 1)
            p.initialize(to: [:])
            return (NSLock(), p)
        }
    }

    var enabled: Bool { rate > 0 }

    /// nil when allowed, else seconds to wait.
    func take(_ key: String, now: Double = Date().timeIntervalSinceReferenceDate) -> Int? {
        guard enabled else { return nil }
        let (lock, map) = shards[abs(key.hashValue) % shards.count]
        lock.lock(); defer { lock.unlock() }
        var b = map.pointee[key] ?? Bucket(tokens: burst, updated: now)
        b.tokens = min(burst, b.tokens + (now - b.updated) * rate)
        b.updated = now
        if b.tokens >= 1 {
            b.tokens -= 1
            map.pointee[key] = b
            if map.pointee.count > 50_000 { map.pointee = map.pointee.filter { now - $0.value.updated < 60 } }
            return nil
        }
        map.pointee[key] = b
        return max(1, Int(((1 - b.tokens) / rate).rounded(.up)))
    }
}
