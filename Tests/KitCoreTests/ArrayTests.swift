import Foundation
import XCTest
import KitCore

private struct Item: Codable, Equatable {
    var id: Int
    var name: String
    var price: Double
}

final class ArrayTests: XCTestCase {
    func testArrayOfStructs() throws {
        let items = (0..<20).map { Item(id: $0, name: "item \($0)", price: Double($0) * 1.25) }
        assertRoundTrip(items)
        XCTAssertEqual(try fastText(Array(items.prefix(2))),
                       #"[{"id":0,"name":"item 0","price":0},{"id":1,"name":"item 1","price":1.25}]"#)
    }

    func testPrimitiveArraysMatchJSONEncoderText() throws {
        assertSameText([1, -2, 3])
        assertSameText(["a", "b", "c/d"])
        assertSameText([true, false])
        assertSameText([0.5, 100, -0.0, 1e300])
        assertSameText([Float(0.1), 3])
        assertSameText([UInt8(0), 255])
        assertSameText([Int64.min, Int64.max])
    }

    func testEmptyArrays() throws {
        XCTAssertEqual(try fastText([Int]()), "[]")
        XCTAssertEqual(try fastText([[Int]]()), "[]")
        XCTAssertEqual(try fastText([[Int]](repeating: [], count: 3)), "[[],[],[]]")
        struct Holder: Codable, Equatable { var list: [Item] = []; var more: [String] = [] }
        XCTAssertEqual(try fastText(Holder()), #"{"list":[],"more":[]}"#)
        assertRoundTrip(Holder())
    }

    func testNestedArraysAndSets() throws {
        assertRoundTrip([[1, 2], [], [3]])
        assertRoundTrip([[["deep"]]])
        XCTAssertEqual(try fastText(ContiguousArray([1, 2])), "[1,2]")
        XCTAssertEqual(try fastText(Set([5])), "[5]")
        XCTAssertEqual(try fastText([[String: Int]]([[:], ["a": 1]])), #"[{},{"a":1}]"#)
    }

    func testArrayOfOptionals() throws {
        let values: [Int?] = [1, nil, 3]
        XCTAssertEqual(try fastText(values), "[1,null,3]")
        assertRoundTrip(values)
        assertRoundTrip([Item?.none, Item(id: 1, name: "x", price: 2)])
    }
}
