import Foundation
import XCTest
import KitClient
import KitHTTP
import Models

/// `ClientRequest.bodySource`: a request body produced while libcurl sends it (the gateway's
/// pass-through of uploads), against a KitHTTP server with a streaming route.
final class StreamedBodyTests: XCTestCase {
    var server: HTTPServer!

    override func setUpWithError() throws {
        let router = Router()
        router.post("/sink", options: RouteOptions(maxBody: 64 << 20, streamBody: true)) { req in
            guard let stream = req.bodyStream else { return .text("no stream") }
            var n = 0
            var sum: UInt64 = 0
            while let chunk = try stream.next() {
                n += chunk.count
                for b in chunk { sum = sum &* 31 &+ UInt64(b) }
            }
            let framing = req.headers["transfer-encoding"] ?? "length \(req.headers["content-length"] ?? "-")"
            return .text("\(n) \(sum) \(framing)")
        }
        var config = ServerConfig()
        config.port = 0
        config.eventLoops = 1
        config.workers = 2
        config.accessLog = false
        server = HTTPServer(config: config, router: router)
        try server.start()
    }

    override func tearDown() { server.shutdown() }

    /// Hands out `total` bytes in pieces of `piece`.
    final class Producer: @unchecked Sendable {
        let total: Int, piece: Int
        var sent = 0
        var sum: UInt64 = 0
        let failAt: Int?
        init(total: Int, piece: Int, failAt: Int? = nil) { self.total = total; self.piece = piece; self.failAt = failAt }
        func next() throws -> [UInt8]? {
            if let f = failAt, sent >= f { throw APIError.payloadTooLarge }
            guard sent < total else { return nil }
            let n = min(piece, total - sent)
            let bytes = (sent..<(sent + n)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
            for b in bytes { sum = sum &* 31 &+ UInt64(b) }
            sent += n
            return bytes
        }
    }

    func send(_ producer: Producer, length: Int?) throws -> (Int, String) {
        var req = ClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/sink")
        req.bodySource = { try producer.next() }
        req.bodyLength = length
        let r = try HTTPClient().sendOnce(req)
        return (r.status, String(decoding: r.body, as: UTF8.self))
    }

    func testStreamedBodyWithContentLength() throws {
        let p = Producer(total: 3_000_000, piece: 100_000)
        let (status, text) = try send(p, length: 3_000_000)
        XCTAssertEqual(status, 200)
        XCTAssertEqual(text, "3000000 \(p.sum) length 3000000")
    }

    func testStreamedBodyChunkedWhenLengthUnknown() throws {
        let p = Producer(total: 1_234_567, piece: 7_777)
        let (status, text) = try send(p, length: nil)
        XCTAssertEqual(status, 200)
        XCTAssertEqual(text, "1234567 \(p.sum) chunked")
    }

    func testProducerErrorAbortsAndIsRethrown() throws {
        let p = Producer(total: 1_000_000, piece: 10_000, failAt: 50_000)
        XCTAssertThrowsError(try send(p, length: 1_000_000)) { error in
            XCTAssertEqual((error as? APIError)?.status, 413)
        }
    }

    func testStreamedRequestIsNeverRetried() throws {
        var req = ClientRequest(method: "PUT", url: "http://127.0.0.1:1/none")
        req.bodySource = { nil }
        XCTAssertThrowsError(try HTTPClient().send(req))
        let client = HTTPClient()
        _ = try? client.send(req)
        XCTAssertEqual(client.attemptsPerformed, 1)
    }
}
