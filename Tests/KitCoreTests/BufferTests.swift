import Foundation
import XCTest
import KitCore

private struct Row: Codable, Equatable { var id: Int; var name: String }

final class BufferTests: XCTestCase {
    func testAppendsToExistingBuffer() throws {
        var buffer = Array("HTTP/1.1 200 OK\r\n\r\n".utf8)
        try FastJSON.encode(Row(id: 1, name: "a"), into: &buffer)
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self), "HTTP/1.1 200 OK\r\n\r\n{\"id\":1,\"name\":\"a\"}")
    }

    func testReusesCapacity() throws {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        let capacity = buffer.capacity
        let address = buffer.withUnsafeBufferPointer { $0.baseAddress }
        for i in 0..<100 {
            buffer.removeAll(keepingCapacity: true)
            try FastJSON.encode([Row(id: i, name: "row \(i)")], into: &buffer)
            XCTAssertEqual(try JSONDecoder().decode([Row].self, from: Data(buffer)), [Row(id: i, name: "row \(i)")])
        }
        XCTAssertEqual(buffer.capacity, capacity)
        XCTAssertEqual(buffer.withUnsafeBufferPointer { $0.baseAddress }, address)
    }

    func testSeveralValuesIntoOneBuffer() throws {
        var buffer: [UInt8] = []
        for i in 0..<3 {
            try FastJSON.encode(Row(id: i, name: "n"), into: &buffer)
            buffer.append(0x0A)
        }
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self),
                       "{\"id\":0,\"name\":\"n\"}\n{\"id\":1,\"name\":\"n\"}\n{\"id\":2,\"name\":\"n\"}\n")
    }

    func testLargeOutput() throws {
        let rows = (0..<10_000).map { Row(id: $0, name: String(repeating: "x", count: $0 % 50)) }
        let bytes = try FastJSON.encode(rows)
        XCTAssertEqual(try JSONDecoder().decode([Row].self, from: Data(bytes)), rows)
    }
}
