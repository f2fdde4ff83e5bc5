import Foundation
import KitCore
import Models

/// The instances behind one service name, used round-robin. An instance that failed is
/// skipped for `cooldown` seconds, then tried again.
final class Upstream: @unchecked Sendable {
    let service: String
    let instances: [String]
    private let lock = NSLock()
    private var next = 0
    private var downUntil: [Date]
    let cooldown: TimeInterval

    init(service: String, instances: [String], cooldown: TimeInterval = 5) {
        self.service = service
        self.instances = instances
        self.cooldown = cooldown
        self.downUntil = Array(repeating: .distantPast, count: instances.count)
    }

    /// Instances in the order to try for one request: healthy ones from the round-robin
    /// position first, then the ones cooling down (better than failing outright).
    func order() -> [Int] {
        lock.lock(); defer { lock.unlock() }
        let n = instances.count
        let start = next
        next = (next + 1) % max(n, 1)
        let now = Date()
        let all = (0..<n).map { (start + $0) % n }
        return all.filter { downUntil[$0] <= now } + all.filter { downUntil[$0] > now }
    }

    func markDown(_ i: Int) {
        lock.lock(); defer { lock.unlock() }
        downUntil[i] = Date().addingTimeInterval(cooldown)
    }

    /// Seconds until the first instance's cooldown ends (at least 1): the Retry-After of a 503.
    func retryAfter() -> Int {
        lock.lock(); defer { lock.unlock() }
        let soonest = downUntil.min() ?? .distantPast
        return max(1, Int(soonest.timeIntervalSinceNow.rounded(.up)))
    }

    func markUp(_ i: Int) {
        lock.lock(); defer { lock.unlock() }
        downUntil[i] = .distantPast
    }
}

/// Upstreams from `<SERVICE>_URLS` (comma-separated), else `<SERVICE>_URL`, else the default port.
enum UpstreamConfig {
    static func load() -> [String: Upstream] {
        var out: [String: Upstream] = [:]
        for s in [ServiceName.identity, .documents, .approval, .reporting] {
            let upper = s.rawValue.uppercased()
            let single = Env.string("\(upper)_URL", "http://127.0.0.1:\(s.defaultPort)")
            let list = Env.list("\(upper)_URLS", [single])
            out[s.rawValue] = Upstream(service: s.rawValue, instances: list)
        }
        return out
    }
}
