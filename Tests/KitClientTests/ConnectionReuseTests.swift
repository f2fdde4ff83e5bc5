import Foundation
import KitClient
import XCTest

/// Pooled easy handles keep their connection cache: consecutive requests share one TCP connection.
final class ConnectionReuseTests: HTTPPeerTestCase {
    func testConsecutiveRequestsReuseOneConnection() throws {
        let before = try peerCount()  // includes the start-up probe and this count request
        let client = HTTPClient()
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/echo")).status, 200)
        XCTAssertEqual(client.connectionsOpened, 1)
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/echo")).status, 200)
        XCTAssertEqual(client.connectionsOpened, 1, "second request reused the connection (NUM_CONNECTS == 0)")
        XCTAssertEqual(try client.send(ClientRequest(method: "POST", url: base + "/echo", body: Array("体".utf8))).status, 200)
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/status/404")).status, 404)
        XCTAssertEqual(try client.send(ClientRequest(method: "PUT", url: base + "/echo", body: [1, 2])).status, 200)
        XCTAssertEqual(client.connectionsOpened, 1)

        // The peer agrees: the client's five requests came over one connection (+1 for the count request's own).
        let after = try peerCount()
        XCTAssertEqual(after.requests - before.requests, 6)
        XCTAssertEqual(after.connections - before.connections, 2)
    }

    func testServerClosingTheConnectionIsHandled() throws {
        let client = HTTPClient()
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/close")).text, "bye")
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/echo")).status, 200)
        XCTAssertEqual(client.connectionsOpened, 2)
    }

    func testConnectionDroppedWhileIdleIsReplacedTransparently() throws {
        let client = HTTPClient()
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/idle-close?ms=100")).status, 200)
        usleep(400_000)  // the peer has closed the pooled connection by now
        // A POST (never retried by KitClient) still succeeds: libcurl notices the dead connection.
        let response = try client.send(ClientRequest(method: "POST", url: base + "/echo", body: Array("再来".utf8)))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(client.attemptsPerformed, 2)
        XCTAssertEqual(client.connectionsOpened, 2)
    }

    func testPoolOfZeroOpensAConnectionPerRequest() throws {
        var options = HTTPClient.Options()
        options.maxPooledHandles = 0
        let client = HTTPClient(options: options)
        for _ in 0..<3 { _ = try client.send(ClientRequest(url: base + "/echo")) }
        XCTAssertEqual(client.connectionsOpened, 3)
    }
}
