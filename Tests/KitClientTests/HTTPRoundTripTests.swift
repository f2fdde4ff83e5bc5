import Foundation
import KitClient
import XCTest

/// Methods, bodies and headers make the round trip to a real HTTP/1.1 peer intact.
final class HTTPRoundTripTests: HTTPPeerTestCase {
    let chinese = "质量报告：审批已通过 ✅ — 第 3 季度"

    func testGetRoundTrip() throws {
        let response = try HTTPClient().send(ClientRequest(url: base + "/echo?q=1"))
        XCTAssertEqual(response.status, 200)
        let echo = try json(response)
        XCTAssertEqual(echo["method"] as? String, "GET")
        XCTAssertEqual(echo["path"] as? String, "/echo?q=1")
        XCTAssertEqual(echo["body_length"] as? Int, 0)
    }

    func testPostPutPatchDeleteCarryChineseBody() throws {
        let client = HTTPClient()
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let body = Array("\(method) \(chinese)".utf8)
            let request = ClientRequest(method: method, url: base + "/echo",
                                        headers: [("Content-Type", "text/plain; charset=utf-8")], body: body)
            let response = try client.send(request)
            XCTAssertEqual(response.status, 200, method)
            let echo = try json(response)
            XCTAssertEqual(echo["method"] as? String, method)
            XCTAssertEqual(echo["body"] as? String, "\(method) \(chinese)")
            XCTAssertEqual(echo["body_length"] as? Int, body.count)
            let headers = echoedHeaders(echo)
            XCTAssertEqual(headers["content-length"], String(body.count), method)
            XCTAssertEqual(headers["content-type"], "text/plain; charset=utf-8", method)
            XCTAssertNil(headers["expect"], "no Expect: 100-continue")
            XCTAssertNil(headers["transfer-encoding"], "bodies are sent with Content-Length")
        }
    }

    func testBodyWithoutContentTypeGetsNoFormDefault() throws {
        let response = try HTTPClient().send(ClientRequest(method: "POST", url: base + "/echo", body: Array(chinese.utf8)))
        let headers = echoedHeaders(try json(response))
        XCTAssertNil(headers["content-type"], "libcurl's application/x-www-form-urlencoded default is removed")
    }

    func testEmptyPostSendsContentLengthZero() throws {
        let response = try HTTPClient().send(ClientRequest(method: "POST", url: base + "/echo"))
        let echo = try json(response)
        XCTAssertEqual(echo["method"] as? String, "POST")
        XCTAssertEqual(echoedHeaders(echo)["content-length"], "0")
        XCTAssertEqual(echo["body_length"] as? Int, 0)
    }

    func testHeadersSentAndReceived() throws {
        let request = ClientRequest(url: base + "/echo",
                                    headers: [("X-Trace-Id", "trace-42"), ("X-Name", "张三"), ("X-Empty", "")])
        let response = try HTTPClient().send(request)
        let sent = echoedHeaders(try json(response))
        XCTAssertEqual(sent["x-trace-id"], "trace-42")
        XCTAssertEqual(sent["x-empty"], "")
        XCTAssertNotNil(sent["x-name"])

        // Received: in order, names as sent by the peer, case-insensitive lookup, repeated headers kept.
        XCTAssertEqual(response.header("x-echo-method"), "GET")
        XCTAssertEqual(response.header("CONTENT-TYPE"), "application/json; charset=utf-8")
        XCTAssertEqual(response.headers(named: "X-Multi"), ["a", "b"])
        let names = response.headers.map(\.0)
        XCTAssertTrue(names.contains("X-Echo-Method"), "names as received: \(names)")
        let multi = names.indices.filter { names[$0] == "X-Multi" }
        XCTAssertEqual(multi.count, 2)
        XCTAssertFalse(names.contains { $0.hasPrefix("HTTP/") }, "status line is not a header")
        XCTAssertEqual(response.header("Content-Length"), String(response.body.count))
    }

    func testHeadHasHeadersButNoBody() throws {
        let response = try HTTPClient().send(ClientRequest(method: "HEAD", url: base + "/echo"))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.body, [])
        XCTAssertEqual(response.header("X-Echo-Method"), "HEAD")
    }

    func testOptionsMethod() throws {
        let response = try HTTPClient().send(ClientRequest(method: "OPTIONS", url: base + "/echo"))
        XCTAssertEqual(try json(response)["method"] as? String, "OPTIONS")
    }

    private func echoedHeaders(_ echo: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for pair in echo["headers"] as? [[String]] ?? [] where pair.count == 2 {
            out[pair[0].lowercased()] = pair[1]
        }
        return out
    }
}
