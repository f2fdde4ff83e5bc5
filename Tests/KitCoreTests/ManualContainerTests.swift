import Foundation
import XCTest
import KitCore

/// Hand-written `encode(to:)` implementations: nested containers, superEncoder, inheritance,
/// containers requested twice, and orders a streaming writer has to fall back on.
private struct Envelope: Encodable {
    enum Keys: String, CodingKey { case meta, items, after, grid }
    enum MetaKeys: String, CodingKey { case version, tags }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        var meta = c.nestedContainer(keyedBy: MetaKeys.self, forKey: .meta)
        try meta.encode(2, forKey: .version)
        var tags = meta.nestedUnkeyedContainer(forKey: .tags)
        try tags.encode("x")
        try tags.encode("y")
        var items = c.nestedUnkeyedContainer(forKey: .items)
        var first = items.nestedContainer(keyedBy: MetaKeys.self)
        try first.encode(1, forKey: .version)
        var inner = items.nestedUnkeyedContainer()
        try inner.encode(true)
        try items.encodeNil()
        try c.encode("done", forKey: .after)
        var grid = c.nestedUnkeyedContainer(forKey: .grid)
        for row in 0..<2 {
            var r = grid.nestedUnkeyedContainer()
            for col in 0..<2 { try r.encode(row * 2 + col) }
        }
    }
}

private class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

private final class Dog: Animal {
    var breed: String
    init(name: String, breed: String) { self.breed = breed; super.init(name: name) }
    required init(from decoder: Decoder) throws { fatalError("unused") }
    enum Keys: String, CodingKey { case breed }
    override func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(breed, forKey: .breed)
        try super.encode(to: c.superEncoder())
    }
}

private final class Cat: Animal {
    var lives = 9
    required init(from decoder: Decoder) throws { fatalError("unused") }
    init() { super.init(name: "cat") }
    enum Keys: String, CodingKey { case lives }
    override func encode(to encoder: Encoder) throws {
        try super.encode(to: encoder)  // same encoder: both write into one object
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(lives, forKey: .lives)
    }
}

private struct OutOfOrder: Encodable {
    enum Keys: String, CodingKey { case a, b, nested }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        var nested = c.nestedContainer(keyedBy: Keys.self, forKey: .nested)
        try c.encode(1, forKey: .a)       // the outer object moves on...
        try nested.encode(2, forKey: .b)  // ...then the nested one is written to again
    }
}

private struct LateSuper: Encodable {
    enum Keys: String, CodingKey { case a }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        let sup = c.superEncoder()
        try c.encode(1, forKey: .a)
        var s = sup.singleValueContainer()
        try s.encode("late")
    }
}

private struct TwoValues: Encodable {
    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(1)
        try? c.encode(2)  // JSONEncoder traps here; FastJSON throws (even if swallowed)
    }
}

private struct Swallower: Encodable {
    enum Keys: String, CodingKey { case a, b, c }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(1, forKey: .a)
        try? c.encode([1, .nan], forKey: .b)  // fails half-way; the error is swallowed
        try c.encode(3, forKey: .c)
    }
}

final class ManualContainerTests: XCTestCase {
    func testNestedContainers() throws {
        XCTAssertEqual(try fastText(Envelope()),
                       #"{"meta":{"version":2,"tags":["x","y"]},"items":[{"version":1},[true],null],"after":"done","grid":[[0,1],[2,3]]}"#)
        assertSameStructure(Envelope())
    }

    func testSuperEncoder() throws {
        let dog = Dog(name: "Rex", breed: "collie")
        XCTAssertEqual(try fastText(dog), #"{"breed":"collie","super":{"name":"Rex"}}"#)
        assertSameStructure(dog)
        XCTAssertEqual(try fastText([dog, dog]), #"[{"breed":"collie","super":{"name":"Rex"}},{"breed":"collie","super":{"name":"Rex"}}]"#)
    }

    func testSameContainerRequestedTwice() throws {
        XCTAssertEqual(try fastText(Cat()), #"{"name":"cat","lives":9}"#)
        assertSameStructure(Cat())
    }

    func testUnusedSuperEncoderAndNestedContainers() throws {
        struct Unused: Encodable {
            enum Keys: String, CodingKey { case a, b, c }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                _ = c.superEncoder()
                _ = c.nestedUnkeyedContainer(forKey: .a)
                _ = c.nestedContainer(keyedBy: Keys.self, forKey: .b)
                _ = c.superEncoder(forKey: .c)
            }
        }
        XCTAssertEqual(try fastText(Unused()), #"{"super":{},"a":[],"b":{},"c":{}}"#)
        assertSameStructure(Unused())
    }

    func testUnkeyedSuperEncoderAndCount() throws {
        struct List: Encodable {
            func encode(to encoder: Encoder) throws {
                var c = encoder.unkeyedContainer()
                XCTAssertEqual(c.count, 0)
                try c.encode(1)
                try "sup".encode(to: c.superEncoder())
                XCTAssertEqual(c.count, 2)
                try c.encode(3)
                XCTAssertEqual(c.count, 3)
            }
        }
        XCTAssertEqual(try fastText(List()), #"[1,"sup",3]"#)
    }

    func testCodingPathIsReported() throws {
        struct Probe: Encodable {
            let sink: PathSink
            func encode(to encoder: Encoder) throws {
                sink.paths.append(encoder.codingPath.map(\.stringValue))
                var c = encoder.singleValueContainer()
                try c.encode(1)
            }
        }
        final class PathSink: @unchecked Sendable { var paths: [[String]] = [] }
        struct Outer: Encodable { let list: [Probe]; let one: Probe }
        let sink = PathSink()
        _ = try FastJSON.encode(Outer(list: [Probe(sink: sink), Probe(sink: sink)], one: Probe(sink: sink)))
        XCTAssertEqual(sink.paths, [["list", "Index 0"], ["list", "Index 1"], ["one"]])
    }

    func testOutOfOrderFallsBackToJSONEncoder() throws {
        let bytes = try FastJSON.encode(OutOfOrder())
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        XCTAssertEqual(object?["a"] as? Int, 1)
        XCTAssertEqual((object?["nested"] as? [String: Any])?["b"] as? Int, 2)
        assertSameStructure(OutOfOrder())
        assertSameStructure([OutOfOrder()])
        assertSameStructure(LateSuper())
        // The fallback writes into the caller's buffer like the fast path.
        var buffer = Array("prefix:".utf8)
        try FastJSON.encode(["x": [OutOfOrder()]], into: &buffer)
        XCTAssertTrue(String(decoding: buffer, as: UTF8.self).hasPrefix(#"prefix:{"x":[{"#))
    }

    func testSwallowedErrorFallsBackToJSONEncoder() throws {
        // The half-written "b" must not survive: the value is re-encoded by JSONEncoder.
        let object = try JSONSerialization.jsonObject(with: Data(try FastJSON.encode(Swallower()))) as? NSDictionary
        XCTAssertEqual(object, ["a": 1, "c": 3] as NSDictionary)
        assertSameStructure(Swallower())
    }

    func testNestedFastJSONCallFromInsideEncode() throws {
        // A value that pre-renders part of itself with FastJSON while FastJSON encodes it.
        struct PreRendered: Encodable {
            let inner: [String: Int]
            enum Keys: String, CodingKey { case raw, count }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                let raw = String(decoding: try FastJSON.encode(inner), as: UTF8.self)
                try c.encode(raw, forKey: .raw)
                try c.encode(inner.count, forKey: .count)
            }
        }
        let value = [PreRendered(inner: ["b": 2, "a": 1]), PreRendered(inner: [:])]
        XCTAssertEqual(try fastText(value), #"[{"raw":"{\"a\":1,\"b\":2}","count":2},{"raw":"{}","count":0}]"#)
    }

    func testSecondValueInSingleValueContainerThrows() {
        XCTAssertThrowsError(try FastJSON.encode(TwoValues())) { error in
            guard case EncodingError.invalidValue = error else { return XCTFail("\(error)") }
        }
    }
}
