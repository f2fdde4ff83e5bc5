import Foundation
import XCTest
import KitCore

private enum Color: String, Codable, CodingKeyRepresentable { case red, green, blue }
private struct Point: Codable, Hashable { var x: Int; var y: Int }

private struct Stats: Codable, Equatable {
    var counts: [String: Int]
    var byDay: [String: [Double]]
    var empty: [String: String]
}

final class DictionaryTests: XCTestCase {
    func testKeysAreSortedLikeSortedKeys() throws {
        let d = ["b": 1, "a": 2, "10": 3, "2": 4, "B": 5, "é": 6, "a1": 7, "a10": 8, "a2": 9, "_": 10, "Z": 11, "": 12]
        XCTAssertEqual(try fastText(d), #"{"":12,"10":3,"2":4,"B":5,"Z":11,"_":10,"a":2,"a1":7,"a10":8,"a2":9,"b":1,"é":6}"#)
        assertSameText(d)
        assertRoundTrip(d)
    }

    func testLargeDictionaryIsDeterministic() throws {
        var d: [String: String] = [:]
        for i in 0..<500 { d["key\(i * 7919 % 1000)"] = "v\(i)" }
        assertSameText(d)
        let copy = Dictionary(uniqueKeysWithValues: d.map { ($0.key, $0.value) }.reversed())
        XCTAssertEqual(try FastJSON.encode(d), try FastJSON.encode(copy))
    }

    func testNestedDictionaries() throws {
        let d: [String: [String: [String: Int]]] = ["z": ["y": ["b": 1, "a": 2], "x": [:]], "a": ["q": ["k": 0]]]
        XCTAssertEqual(try fastText(d), #"{"a":{"q":{"k":0}},"z":{"x":{},"y":{"a":2,"b":1}}}"#)
        assertSameText(d)
        assertRoundTrip(d)
    }

    func testDictionariesInsideStructs() throws {
        let s = Stats(counts: ["zeta": 1, "alpha": 2, "中文": 3], byDay: ["2026-01-02": [1.5], "2026-01-01": []], empty: [:])
        XCTAssertEqual(try fastText(s),
                       #"{"counts":{"alpha":2,"zeta":1,"中文":3},"byDay":{"2026-01-01":[],"2026-01-02":[1.5]},"empty":{}}"#)
        assertRoundTrip(s)
        assertRoundTrip([s, s])
    }

    func testValuesThatAreStructsAndOptionals() throws {
        let d: [String: Point?] = ["p": Point(x: 1, y: 2), "n": nil, "escaped\"key\n": Point(x: 0, y: 0)]
        XCTAssertEqual(try fastText(d), #"{"escaped\"key\n":{"x":0,"y":0},"n":null,"p":{"x":1,"y":2}}"#)
        assertSameStructure(d)
    }

    func testIntAndCodingKeyRepresentableKeys() throws {
        let ints = [10: "ten", 2: "two", -1: "minus"]
        XCTAssertEqual(try fastText(ints), #"{"-1":"minus","10":"ten","2":"two"}"#)
        assertSameText(ints)
        assertRoundTrip(ints)
        let colors: [Color: Int] = [.red: 1, .blue: 3, .green: 2]
        XCTAssertEqual(try fastText(colors), #"{"blue":3,"green":2,"red":1}"#)
        assertRoundTrip(colors)
    }

    func testOtherKeysEncodeAsArrayLikeJSONEncoder() throws {
        let d: [Point: String] = [Point(x: 1, y: 2): "a"]
        XCTAssertEqual(try fastText(d), #"[{"x":1,"y":2},"a"]"#)
        assertSameStructure(d)
    }
}
