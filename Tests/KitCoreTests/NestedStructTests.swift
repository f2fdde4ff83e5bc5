import Foundation
import XCTest
import KitCore

private struct Address: Codable, Equatable {
    var city: String
    var lines: [String]
}

private struct Person: Codable, Equatable {
    var name: String
    var home: Address
    var work: Address?
    var tags: [String]
}

private struct Team: Codable, Equatable {
    var lead: Person
    var members: [Person]
    var nested: [[Int]]
}

final class NestedStructTests: XCTestCase {
    private let alice = Person(name: "Alice", home: Address(city: "上海", lines: ["1 Road", "Flat 2"]),
                               work: Address(city: "Beijing", lines: []), tags: ["a", "b"])
    private let bob = Person(name: "Bob", home: Address(city: "Hangzhou", lines: ["x"]), work: nil, tags: [])

    func testNestedStruct() throws {
        XCTAssertEqual(try fastText(alice),
                       #"{"name":"Alice","home":{"city":"上海","lines":["1 Road","Flat 2"]},"work":{"city":"Beijing","lines":[]},"tags":["a","b"]}"#)
        assertRoundTrip(alice)
        assertRoundTrip(bob)
    }

    func testDeeplyNested() throws {
        let team = Team(lead: alice, members: [alice, bob, bob], nested: [[], [1], [2, 3], []])
        assertRoundTrip(team)
    }

    func testDepthOfOneHundred() throws {
        final class Node: Codable, Equatable {
            let value: Int
            let next: Node?
            init(value: Int, next: Node?) { self.value = value; self.next = next }
            static func == (a: Node, b: Node) -> Bool { a.value == b.value && a.next == b.next }
        }
        var node = Node(value: 0, next: nil)
        for i in 1...100 { node = Node(value: i, next: node) }
        assertRoundTrip(node)
    }
}
