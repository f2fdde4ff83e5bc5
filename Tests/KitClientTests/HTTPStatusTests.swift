import Foundation
import KitClient
import XCTest

/// Any HTTP status is a response; the JSON helpers turn non-2xx and bad JSON into errors.
final class HTTPStatusTests: HTTPPeerTestCase {
    func test404IsAResponseNotAnError() throws {
        let response = try HTTPClient().send(ClientRequest(url: base + "/status/404"))
        XCTAssertEqual(response.status, 404)
        XCTAssertEqual(response.text, "status 404")
    }

    func test500ToPostIsReturnedOnce() throws {
        let client = HTTPClient()
        let response = try client.send(ClientRequest(method: "POST", url: base + "/status/500", body: [1]))
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(client.attemptsPerformed, 1)
    }

    func testRedirectIsNotFollowed() throws {
        let response = try HTTPClient().send(ClientRequest(url: base + "/redirect"))
        XCTAssertEqual(response.status, 302)
        XCTAssertEqual(response.header("Location"), "/echo")
        XCTAssertNil(response.header("X-Echo-Method"), "headers are the 302's own")
    }

    struct Report: Codable, Equatable {
        var name: String
        var count: Int
    }

    struct Echo: Decodable {
        var method: String
        var body: String
        var headers: [[String]]
    }

    func testGetJSONDecodes() throws {
        let report = try HTTPClient().getJSON(base + "/json", as: Report.self)
        XCTAssertEqual(report, Report(name: "质量报告", count: 3))
    }

    func testPostJSONEncodesAndSetsHeaders() throws {
        let echo = try HTTPClient().postJSON(base + "/echo", body: Report(name: "审批", count: 7),
                                             headers: [("X-Caller", "test")], as: Echo.self)
        XCTAssertEqual(echo.method, "POST")
        let sent = try JSONDecoder().decode(Report.self, from: Data(echo.body.utf8))
        XCTAssertEqual(sent, Report(name: "审批", count: 7))
        let headers = Dictionary(echo.headers.map { ($0[0].lowercased(), $0[1]) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["accept"], "application/json")
        XCTAssertEqual(headers["x-caller"], "test")
    }

    func testJSONNon2xxThrowsStatus() throws {
        XCTAssertThrowsError(try HTTPClient().getJSON(base + "/status/404", as: Report.self)) { error in
            guard case ClientError.status(let code, let body)? = error as? ClientError else {
                return XCTFail("expected .status, got \(error)")
            }
            XCTAssertEqual(code, 404)
            XCTAssertEqual(String(decoding: body, as: UTF8.self), "status 404")
        }
    }

    func testJSONBadBodyThrowsDecode() throws {
        XCTAssertThrowsError(try HTTPClient().getJSON(base + "/badjson", as: Report.self)) { error in
            guard case ClientError.decode? = error as? ClientError else {
                return XCTFail("expected .decode, got \(error)")
            }
        }
    }
}
