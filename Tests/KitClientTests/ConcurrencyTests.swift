import Foundation
import KitClient
import XCTest

/// One client shared by 16 threads: every response belongs to its own request.
final class ConcurrencyTests: HTTPPeerTestCase {
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var ok = 0
        private(set) var failures: [String] = []
        func success() { lock.lock(); ok += 1; lock.unlock() }
        func fail(_ message: String) { lock.lock(); failures.append(message); lock.unlock() }
    }

    func testSixteenThreadsShareOneClient() throws {
        let client = HTTPClient()
        let results = Results()
        let group = DispatchGroup()
        let url = base + "/echo"
        let threads = 16, perThread = 10
        for t in 0..<threads {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                for i in 0..<perThread {
                    let text = "线程 \(t) 请求 \(i)"
                    do {
                        let method = i % 2 == 0 ? "POST" : "PUT"
                        let response = try client.send(ClientRequest(method: method, url: url, body: Array(text.utf8)))
                        let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                        if response.status == 200, echo?["body"] as? String == text, echo?["method"] as? String == method {
                            results.success()
                        } else {
                            results.fail("\(text): status \(response.status) body \(response.text)")
                        }
                    } catch {
                        results.fail("\(text): \(error)")
                    }
                }
            }
            thread.start()
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(results.failures, [])
        XCTAssertEqual(results.ok, threads * perThread)
        XCTAssertLessThanOrEqual(client.connectionsOpened, threads, "connections are reused across requests")
        XCTAssertEqual(try peerCount().requests, threads * perThread + 1)
    }
}
