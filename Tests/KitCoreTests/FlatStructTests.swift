import Foundation
import XCTest
import KitCore

private struct Greeting: Codable, Equatable {
    let message: String
    let service: String
    let ok: Bool
}

/// All primitive types, declared in key order so the text can be compared with JSONEncoder's.
private struct Primitives: Codable, Equatable {
    var a: Bool = true
    var b: Bool = false
    var c: Double = 1.5
    var d: Float = 0.25
    var e: Int = -42
    var f: Int8 = .min
    var g: Int16 = .max
    var h: Int32 = .min
    var i: Int64 = .max
    var j: String = "text"
    var k: UInt = .max
    var l: UInt8 = 255
    var m: UInt16 = 0
    var n: UInt32 = .max
    var o: UInt64 = .max
}

final class FlatStructTests: XCTestCase {
    func testGreetingBytes() throws {
        let g = Greeting(message: "你好，质控", service: "bench", ok: true)
        XCTAssertEqual(try fastText(g), #"{"message":"你好，质控","service":"bench","ok":true}"#)
        assertRoundTrip(g)
    }

    func testAllPrimitivesMatchJSONEncoderText() throws {
        assertSameText(Primitives())
        assertRoundTrip(Primitives())
        var p = Primitives()
        p.c = 0; p.d = -0.0; p.e = 0; p.f = 0; p.i = .min; p.j = ""
        assertSameText(p)
        assertRoundTrip(p)
    }

    func testKeysInDeclarationOrder() throws {
        struct Backwards: Encodable { let z = 1; let y = 2; let x = 3 }
        XCTAssertEqual(try fastText(Backwards()), #"{"z":1,"y":2,"x":3}"#)
    }

    func testCustomCodingKeys() throws {
        struct Renamed: Codable, Equatable {
            let userID: Int
            let displayName: String
            enum CodingKeys: String, CodingKey { case userID = "user_id", displayName = "display \"name\"" }
        }
        let r = Renamed(userID: 7, displayName: "x")
        XCTAssertEqual(try fastText(r), #"{"user_id":7,"display \"name\"":"x"}"#)
        assertRoundTrip(r)
    }
}
