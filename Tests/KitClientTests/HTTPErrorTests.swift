import Foundation
import KitClient
import XCTest

/// Failures without a response map to the right ClientError case.
final class HTTPErrorTests: HTTPPeerTestCase {
    func testTimeoutRaisesTimeout() throws {
        var options = HTTPClient.Options()
        options.timeout = 0.3
        options.retries = 0
        let client = HTTPClient(options: options)
        let started = Date()
        XCTAssertThrowsError(try client.send(ClientRequest(url: base + "/slow?ms=3000"))) { error in
            guard case ClientError.timeout? = error as? ClientError else { return XCTFail("expected .timeout, got \(error)") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.0)
    }

    func testRequestTimeoutOverridesClientDefault() throws {
        let client = HTTPClient()  // default 10 s
        let started = Date()
        XCTAssertThrowsError(try client.sendOnce(ClientRequest(url: base + "/slow?ms=3000", timeout: 0.3))) { error in
            guard case ClientError.timeout? = error as? ClientError else { return XCTFail("expected .timeout, got \(error)") }
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.0)
        // A generous per-request timeout lets the same endpoint answer.
        XCTAssertEqual(try client.sendOnce(ClientRequest(url: base + "/slow?ms=100", timeout: 5)).status, 200)
    }

    func testConnectRefusedRaisesConnect() throws {
        let url = "http://127.0.0.1:\(PeerProcess.unusedPort())/echo"
        XCTAssertThrowsError(try HTTPClient().send(ClientRequest(url: url))) { error in
            guard case ClientError.connect? = error as? ClientError else { return XCTFail("expected .connect, got \(error)") }
        }
    }

    func testBadURLs() throws {
        let client = HTTPClient()
        for url in ["", "http://exa mple.com/", "ftp://127.0.0.1/file", "file:///etc/passwd", "http://[::1/"] {
            XCTAssertThrowsError(try client.send(ClientRequest(url: url)), url) { error in
                guard case ClientError.badURL? = error as? ClientError else {
                    return XCTFail("\(url): expected .badURL, got \(error)")
                }
            }
        }
    }

    func testResponseLargerThanLimitFails() throws {
        var options = HTTPClient.Options()
        options.maxResponseBytes = 1000
        let client = HTTPClient(options: options)
        XCTAssertEqual(try client.send(ClientRequest(url: base + "/big?n=1000")).body.count, 1000)
        XCTAssertThrowsError(try client.send(ClientRequest(url: base + "/big?n=5000"))) { error in
            guard case ClientError.transport(let message)? = error as? ClientError else {
                return XCTFail("expected .transport, got \(error)")
            }
            XCTAssertTrue(message.contains("exceeds"), message)
        }
    }

    func testHeaderInjectionIsRejected() throws {
        let client = HTTPClient()
        let bad = [("X-A", "1\r\nX-Injected: yes"), ("Bad Name", "x"), ("", "x")]
        for header in bad {
            XCTAssertThrowsError(try client.send(ClientRequest(url: base + "/echo", headers: [header]))) { error in
                guard case ClientError.transport? = error as? ClientError else {
                    return XCTFail("expected .transport, got \(error)")
                }
            }
        }
        XCTAssertEqual(try peerCount().requests, 1, "nothing was sent but the count request")
    }

    func testErrorsDescribeThemselves() {
        XCTAssertEqual(ClientError.status(503, Array("busy".utf8)).description, "HTTP status 503: busy")
        XCTAssertTrue(ClientError.timeout("GET x").description.contains("timed out"))
    }
}
