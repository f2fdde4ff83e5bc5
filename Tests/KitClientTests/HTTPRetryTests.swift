import Foundation
import KitClient
import XCTest

/// Retries: idempotent methods and keyed requests are repeated on 502/503/504, connect errors and
/// timeouts; other POSTs never are. /flaky answers 503 twice per key, then 200.
final class HTTPRetryTests: HTTPPeerTestCase {
    private func client(retries: Int = 2) -> HTTPClient {
        var options = HTTPClient.Options()
        options.retries = retries
        options.backoff = 0.01
        return HTTPClient(options: options)
    }

    func testGetOnFlakyIsRetriedAndSucceeds() throws {
        let client = client()
        let response = try client.send(ClientRequest(url: base + "/flaky?key=get"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(try json(response)["attempts"] as? Int, 3)
        XCTAssertEqual(try peerCount(key: "get").key, 3)
        XCTAssertEqual(client.attemptsPerformed, 3)
    }

    func testPostWithoutKeyIsNotRetried() throws {
        let client = client()
        let response = try client.send(ClientRequest(method: "POST", url: base + "/flaky?key=post", body: Array("{}".utf8)))
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(try peerCount(key: "post").key, 1)
        XCTAssertEqual(client.attemptsPerformed, 1)
    }

    func testPostWithIdempotencyKeyIsRetriedAndKeyArrives() throws {
        let client = client()
        let request = ClientRequest(method: "POST", url: base + "/flaky?key=keyed", body: Array("{}".utf8),
                                    idempotencyKey: "order-7f3a")
        let response = try client.send(request)
        XCTAssertEqual(response.status, 200)
        let body = try json(response)
        XCTAssertEqual(body["idempotency_key"] as? String, "order-7f3a")
        XCTAssertEqual(body["attempts"] as? Int, 3)
        XCTAssertEqual(try peerCount(key: "keyed").key, 3)
    }

    func testPatchWithIdempotencyKeyIsRetried() throws {
        let response = try client().send(ClientRequest(method: "PATCH", url: base + "/flaky?key=patch",
                                                       body: [1], idempotencyKey: "p-1"))
        XCTAssertEqual(response.status, 200)
    }

    func testExhaustedRetriesReturnTheLast503() throws {
        let client = client(retries: 1)
        let response = try client.send(ClientRequest(url: base + "/flaky?key=exhaust"))
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(try peerCount(key: "exhaust").key, 2)
    }

    func testSendOnceNeverRetries() throws {
        let response = try client().sendOnce(ClientRequest(url: base + "/flaky?key=once"))
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(try peerCount(key: "once").key, 1)
    }

    func testOtherStatusesAreNotRetried() throws {
        let client = client()
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/status/500")).status, 500)
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/status/429")).status, 429)
        XCTAssertEqual(client.attemptsPerformed, 2)
    }

    func testConnectErrorIsRetriedForGetOnly() throws {
        let url = "http://127.0.0.1:\(PeerProcess.unusedPort())/x"
        let getClient = client()
        XCTAssertThrowsError(try getClient.send(ClientRequest(url: url)))
        XCTAssertEqual(getClient.attemptsPerformed, 3)
        let postClient = client()
        XCTAssertThrowsError(try postClient.send(ClientRequest(method: "POST", url: url, body: [1])))
        XCTAssertEqual(postClient.attemptsPerformed, 1)
    }

    func testTimeoutIsRetriedForIdempotentRequests() throws {
        var options = HTTPClient.Options()
        options.timeout = 0.2
        options.retries = 1
        options.backoff = 0.01
        let client = HTTPClient(options: options)
        XCTAssertThrowsError(try client.send(ClientRequest(url: base + "/slow?ms=1500"))) { error in
            guard case ClientError.timeout? = error as? ClientError else { return XCTFail("expected .timeout, got \(error)") }
        }
        XCTAssertEqual(client.attemptsPerformed, 2)
    }
}
