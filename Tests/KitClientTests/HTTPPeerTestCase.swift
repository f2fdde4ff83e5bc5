import Foundation
import KitClient
import XCTest

/// Base for tests against Fixtures/http_peer.py: a fresh peer per test, killed in tearDown.
class HTTPPeerTestCase: XCTestCase {
    var peer: PeerProcess?

    override func setUpWithError() throws {
        try super.setUpWithError()
        peer = try PeerProcess(script: "http_peer.py")
    }

    override func tearDown() {
        peer?.stop()
        peer = nil
        super.tearDown()
    }

    var base: String { "http://127.0.0.1:\(peer?.port ?? 0)" }

    /// Decodes a peer JSON body.
    func json(_ response: ClientResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(response.body))
        guard let dict = object as? [String: Any] else {
            XCTFail("not a JSON object: \(response.text)", file: file, line: line)
            return [:]
        }
        return dict
    }

    /// The peer's /count figures.
    func peerCount(key: String? = nil) throws -> (requests: Int, connections: Int, key: Int) {
        // A separate client, so the count does not disturb the client under test.
        let url = base + "/count" + (key.map { "?key=\($0)" } ?? "")
        let response = try HTTPClient().sendOnce(ClientRequest(url: url))
        let dict = try json(response)
        return (dict["requests"] as? Int ?? -1, dict["connections"] as? Int ?? -1, dict["key"] as? Int ?? -1)
    }
}
