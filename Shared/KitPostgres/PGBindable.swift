import Foundation

/// A value bound as a text-format parameter ($1, $2 …). `nil` binds SQL NULL.
public protocol PGBindable {
    var pgText: String? { get }
}

extension String: PGBindable {
    public var pgText: String? { self }
}

extension Substring: PGBindable {
    public var pgText: String? { String(self) }
}

extension Int: PGBindable {
    public var pgText: String? { String(self) }
}

extension Int32: PGBindable {
    public var pgText: String? { String(self) }
}

extension Int64: PGBindable {
    public var pgText: String? { String(self) }
}

extension Double: PGBindable {
    /// Shortest round-tripping text; NaN and infinities in PostgreSQL spelling.
    public var pgText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension Bool: PGBindable {
    public var pgText: String? { self ? "t" : "f" }
}

extension Date: PGBindable {
    /// RFC 3339 in UTC with microseconds, e.g. 2024-05-06T07:08:09.123456Z.
    public var pgText: String? { PGDateTime.format(self) }
}

extension UUID: PGBindable {
    public var pgText: String? { uuidString }
}

extension Data: PGBindable {
    /// bytea hex format.
    public var pgText: String? { PGBytea.hex(self) }
}

extension Optional: PGBindable where Wrapped: PGBindable {
    public var pgText: String? {
        switch self {
        case .none: return nil
        case .some(let value): return value.pgText
        }
    }
}

/// JSON text bound to a json/jsonb parameter: `PGJSON(#"{"a":1}"#)`.
public struct PGJSON: PGBindable, Sendable, Hashable {
    public let json: String
    public init(_ json: String) { self.json = json }
    /// Encodes `value` with `encoder` (default JSONEncoder()).
    public init<T: Encodable>(encoding value: T, encoder: JSONEncoder = JSONEncoder()) throws {
        self.json = String(decoding: try encoder.encode(value), as: UTF8.self)
    }
    public var pgText: String? { json }
}

/// How an array of this element type is bound. `[UInt8]` binds as bytea; arrays of other
/// bindable values (e.g. `[String]`, `[Int]`, `[UUID]`, `[String?]`) bind as array literals
/// (`text[]`, `int8[]`, `uuid[]` …) with every element quoted and escaped, nil as NULL.
public protocol PGArrayElement {
    static func pgArrayText(_ elements: [Self]) -> String?
}

extension PGArrayElement where Self: PGBindable {
    public static func pgArrayText(_ elements: [Self]) -> String? {
        PGArrayLiteral.encode(elements.map { $0.pgText })
    }
}

extension Array: PGBindable where Element: PGArrayElement {
    public var pgText: String? { Element.pgArrayText(self) }
}

extension UInt8: PGArrayElement {
    /// `[UInt8]` is bytea: "\x0001ff…".
    public static func pgArrayText(_ elements: [UInt8]) -> String? { PGBytea.hex(elements) }
}

extension String: PGArrayElement {}
extension Int: PGArrayElement {}
extension Int32: PGArrayElement {}
extension Int64: PGArrayElement {}
extension Double: PGArrayElement {}
extension Bool: PGArrayElement {}
extension Date: PGArrayElement {}
extension UUID: PGArrayElement {}
extension Optional: PGArrayElement where Wrapped: PGBindable {}

enum PGArrayLiteral {
    /// `{"a","b \"c\"",NULL}`: every element double-quoted, `"` and `\` backslash-escaped.
    static func encode(_ elements: [String?]) -> String {
        var out = "{"
        for (i, element) in elements.enumerated() {
            if i > 0 { out += "," }
            guard let element else { out += "NULL"; continue }
            out += "\""
            for ch in element.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        out += "}"
        return out
    }

    /// Parses one-dimensional array output (`{a,"b c",NULL}`, optionally `[0:1]={…}`).
    static func decode(_ text: String) throws -> [String?] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "[" {   // explicit bounds decoration
            guard let eq = scalars.firstIndex(of: "=") else { throw PGError.decode("malformed array literal") }
            scalars = Array(scalars[(eq + 1)...])
        }
        guard scalars.first == "{", scalars.last == "}" else { throw PGError.decode("malformed array literal") }
        var result: [String?] = []
        var i = 1
        let end = scalars.count - 1
        if i == end { return [] }
        while i <= end {
            // skip whitespace
            while i < end, scalars[i] == " " || scalars[i] == "\t" || scalars[i] == "\n" { i += 1 }
            if i < end, scalars[i] == "{" { throw PGError.decode("multi-dimensional arrays are not supported") }
            var value = String.UnicodeScalarView()
            var quoted = false
            if i < end, scalars[i] == "\"" {
                quoted = true
                i += 1
                var closed = false
                while i < end {
                    let c = scalars[i]
                    if c == "\\" {
                        i += 1
                        guard i < end else { break }
                        value.append(scalars[i])
                    } else if c == "\"" {
                        closed = true
                        i += 1
                        break
                    } else {
                        value.append(c)
                    }
                    i += 1
                }
                guard closed else { throw PGError.decode("malformed array literal: unterminated quote") }
                while i < end, scalars[i] == " " { i += 1 }
            } else {
                while i < end, scalars[i] != "," {
                    if scalars[i] == "\\", i + 1 < end { i += 1 }
                    value.append(scalars[i])
                    i += 1
                }
            }
            var element = String(value)
            if !quoted {
                element = element.trimmingWhitespace()
                if element.uppercased() == "NULL" { result.append(nil) } else { result.append(element) }
            } else {
                result.append(element)
            }
            if i == end { break }
            guard scalars[i] == "," else { throw PGError.decode("malformed array literal") }
            i += 1
        }
        return result
    }
}

enum PGBytea {
    private static let digits = Array("0123456789abcdef".utf8)

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(2 + bytes.count * 2)
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes bytea output: hex ("\x…") or the legacy escape format.
    static func decode(_ text: String) throws -> [UInt8] {
        let u = Array(text.utf8)
        if u.count >= 2, u[0] == UInt8(ascii: "\\"), u[1] == UInt8(ascii: "x") {
            guard u.count % 2 == 0 else { throw PGError.decode("malformed bytea hex") }
            var out = [UInt8]()
            out.reserveCapacity((u.count - 2) / 2)
            var i = 2
            while i < u.count {
                guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { throw PGError.decode("malformed bytea hex") }
                out.append(hi << 4 | lo)
                i += 2
            }
            return out
        }
        var out = [UInt8]()
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\") {
                if i + 1 < u.count, u[i + 1] == UInt8(ascii: "\\") {
                    out.append(UInt8(ascii: "\\")); i += 2
                } else if i + 3 < u.count,
                          let a = octal(u[i + 1]), let b = octal(u[i + 2]), let c = octal(u[i + 3]) {
                    out.append(UInt8(truncatingIfNeeded: Int(a) << 6 | Int(b) << 3 | Int(c))); i += 4
                } else {
                    throw PGError.decode("malformed bytea escape")
                }
            } else {
                out.append(u[i]); i += 1
            }
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func octal(_ c: UInt8) -> UInt8? {
        (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(c) ? c - UInt8(ascii: "0") : nil
    }
}
