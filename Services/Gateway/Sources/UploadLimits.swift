import Foundation
import KitClient
import KitCore
import KitHTTP

/// Per-kind upload limits, learnt from documents' `GET /api/documents/v1/kinds`, so that the
/// gateway refuses an oversize upload from its Content-Length (413) before reading the body,
/// as documents itself does. The table is refreshed by a background thread; route checks read
/// it under a lock and never block (they run on the event loop). Until the first answer, or for
/// an unknown kind, the gateway's overall body limit applies and documents decides.
final class UploadLimits: @unchecked Sendable {
    /// Room for the multipart envelope around the file (documents allows the same).
    static let multipartAllowance = 64 * 1024

    private let lock = NSLock()
    private var maxBytes: [String: Int] = [:]
    let ceiling: Int

    init(ceiling: Int) { self.ceiling = ceiling }

    /// The body limit for an upload whose raw query names `kind`.
    func bodyLimit(rawQuery: String) -> Int {
        guard let kind = Request.queryValue(rawQuery, "kind") else { return ceiling }
        lock.lock(); defer { lock.unlock() }
        guard let bytes = maxBytes[kind] else { return ceiling }
        return min(ceiling, bytes + UploadLimits.multipartAllowance)
    }

    func update(_ table: [String: Int]) {
        lock.lock(); maxBytes = table; lock.unlock()
    }

    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return maxBytes.isEmpty }

    /// Fetches the kinds until an answer arrives, then refreshes every `interval` seconds.
    func startRefreshing(from upstream: Upstream, client: HTTPClient, interval: TimeInterval = 60) {
        let thread = Thread { [self] in
            while true {
                if let table = fetch(upstream, client) {
                    update(table)
                    Thread.sleep(forTimeInterval: interval)
                } else {
                    Thread.sleep(forTimeInterval: isEmpty ? 1 : interval)
                }
            }
        }
        thread.name = "upload-limits"
        thread.start()
    }

    private func fetch(_ upstream: Upstream, _ client: HTTPClient) -> [String: Int]? {
        struct Kinds: Decodable { struct Kind: Decodable { let code: String; let maxBytes: Int }; let items: [Kind] }
        for base in upstream.instances {
            guard let r = try? client.sendOnce(.init(url: base + "/api/documents/v1/kinds", timeout: 5)), r.status == 200,
                  let kinds = try? JSONDecoder().decode(Kinds.self, from: Data(r.body)) else { continue }
            return Dictionary(kinds.items.map { ($0.code, $0.maxBytes) }, uniquingKeysWith: { a, _ in a })
        }
        return nil
    }
}
