import Foundation
import XCTest
import KitCore

private struct Profile: Codable, Equatable {
    var name: String
    var nickname: String?
    var age: Int?
    var score: Double?
    var verified: Bool?
    var birthday: Date?
    var friends: [String]?
    var manager: Manager?
}

private struct Manager: Codable, Equatable {
    var name: String
    var reports: Int?
}

final class OptionalTests: XCTestCase {
    func testAbsentOptionalsAreOmitted() throws {
        let p = Profile(name: "x")
        XCTAssertEqual(try fastText(p), #"{"name":"x"}"#)
        assertRoundTrip(p)
    }

    func testPresentOptionals() throws {
        let p = Profile(name: "x", nickname: "y", age: 3, score: 0.5, verified: false,
                        birthday: Date(timeIntervalSince1970: 1_700_000_000.5), friends: [],
                        manager: Manager(name: "m", reports: nil))
        XCTAssertEqual(try fastText(p),
                       #"{"name":"x","nickname":"y","age":3,"score":0.5,"verified":false,"#
                       + #""birthday":"2023-11-15T06:13:20.500+08:00","friends":[],"manager":{"name":"m"}}"#)
        assertRoundTrip(p)
    }

    func testExplicitNil() throws {
        struct Explicit: Encodable {
            let a: Int? = nil
            enum CodingKeys: String, CodingKey { case a, b }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(a, forKey: .a)  // Optional through encode: null
                try c.encodeNil(forKey: .b)
            }
        }
        XCTAssertEqual(try fastText(Explicit()), #"{"a":null,"b":null}"#)
        assertSameStructure(Explicit())
    }

    func testTopLevelOptionals() throws {
        XCTAssertEqual(try fastText(Int?.none), "null")
        XCTAssertEqual(try fastText(Int?.some(4)), "4")
        XCTAssertEqual(try fastText(Int??.some(nil)), "null")
    }
}
