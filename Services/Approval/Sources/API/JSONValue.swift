import Foundation
import KitCore

/// Free JSON (a request's `details`, shown to approvers as given): kept as is, stored as jsonb.
enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    var isObject: Bool { if case .object = self { return true } else { return false } }

    /// JSON text for a jsonb column.
    var text: String {
        (try? JSON.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Parses stored JSON text; `null` when it does not parse.
    static func parse(_ text: String) -> JSONValue {
        (try? JSON.decode(JSONValue.self, from: Array(text.utf8))) ?? .null
    }
}
