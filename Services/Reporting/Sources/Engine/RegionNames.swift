import Foundation
import ServiceKit

/// Region names and coordinates for the statistics, from identity's public regions API
/// (`GET /api/identity/v1/regions[?parent=]`), one call per parent region, kept in memory.
///
/// Why a cached call rather than a copy in reporting's schema: the table (3,200 rows) lives in
/// identity and changes there only by migration; a copy would be a second migration to keep in
/// step. A rollup needs one parent's children (≤ 40 rows), so a call per parent, cached for
/// `ttl`, costs one round trip per parent per hour. Bounded: at most `capacity` parents (the
/// whole tree has ~380 parents with children); on overflow the cache is emptied. When identity
/// does not answer, the figures go without names (codes only) and the miss is remembered for
/// `retryAfter`: a table of 40 regions asks once, not once per row, each waiting for the timeout.
enum RegionNames {
    struct Region: Decodable, Sendable {
        let code: String
        let name: String
        let longitude: Double?
        let latitude: Double?
    }

    static let capacity = 512
    static let ttl: TimeInterval = 3600
    static let retryAfter: TimeInterval = 30

    private final class Store: @unchecked Sendable {
        let lock = NSLock()
        var children: [String: (at: Date, regions: [String: Region], answered: Bool)] = [:]
    }
    private static let store = Store()

    /// A six-digit region code (GB/T 2260), or nil ("86" is the nation: parent of the provinces).
    static func isCode(_ s: Substring) -> Bool { s.utf8.count == 6 && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// The regions directly under `parent` (a six-digit code, or "" for the provinces), by code.
    static func children(_ context: ServiceContext, parent: String) -> [String: Region] {
        children(parent: parent, now: Date()) {
            struct Page: Decodable { let items: [Region] }
            let query = parent.isEmpty ? "" : "?parent=\(parent)"
            let url = "\(context.settings.identityURL)/api/identity/v1/regions\(query)"
            return (try? context.http.getJSON(url, as: Page.self))?.items
        }
    }

    /// The cache around `fetch` (nil: identity did not answer): an answer is kept for `ttl`, a
    /// miss for `retryAfter`.
    static func children(parent: String, now: Date, fetch: () -> [Region]?) -> [String: Region] {
        store.lock.lock()
        let hit = store.children[parent]
        store.lock.unlock()
        if let hit, now.timeIntervalSince(hit.at) < (hit.answered ? ttl : retryAfter) { return hit.regions }
        let items = fetch()
        let regions = Dictionary((items ?? []).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        store.lock.lock()
        if store.children.count >= capacity { store.children.removeAll() }
        store.children[parent] = (now, regions, items != nil)
        store.lock.unlock()
        return regions
    }

    /// The region a node path ends with ("86/330000/330100" → 杭州市), nil for the nation, an
    /// institution, an old two-digit code or when identity does not answer.
    static func region(_ context: ServiceContext, node: String) -> Region? {
        let parts = node.split(separator: "/")
        guard parts.count >= 2, let last = parts.last, isCode(last) else { return nil }
        let parent = parts.count == 2 ? "" : String(parts[parts.count - 2])
        guard parent.isEmpty || isCode(Substring(parent)) else { return nil }
        return children(context, parent: parent)[String(last)]
    }

    /// The display name of a node: 全国 for "86", the region's name, or nil.
    static func name(_ context: ServiceContext, node: String) -> String? {
        node == "86" ? "全国" : region(context, node: node)?.name
    }
}
