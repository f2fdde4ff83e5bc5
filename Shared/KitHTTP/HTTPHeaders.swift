/// Request headers as byte ranges into one copy of the request head: parsing stores two
/// offsets per header, and a String is made only when a handler asks for a value.
public struct HTTPHeaders: Sendable, Sequence {
    struct Field: Sendable {
        var nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32
    }

    let storage: [UInt8]
    let fields: [Field]

    init(storage: [UInt8], fields: [Field]) {
        self.storage = storage
        self.fields = fields
    }

    /// Headers built by hand (tests, the client side of the gateway).
    public init(_ pairs: [(String, String)]) {
        var bytes: [UInt8] = []
        var fields: [Field] = []
        for (n, v) in pairs {
            // Offsets are 32-bit: a field that would end past Int32.max is left out rather than trapping.
            let ns = bytes.count, ne = ns + n.utf8.count, ve = ne + v.utf8.count
            guard let ns32 = Int32(exactly: ns), let ne32 = Int32(exactly: ne), let ve32 = Int32(exactly: ve) else { break }
            bytes.append(contentsOf: n.utf8)
            bytes.append(contentsOf: v.utf8)
            fields.append(Field(nameStart: ns32, nameEnd: ne32, valueStart: ne32, valueEnd: ve32))
        }
        self.storage = bytes
        self.fields = fields
    }

    public var count: Int { fields.count }

    /// First value of a header, case-insensitive name.
    public subscript(_ name: String) -> String? {
        guard let f = find(name) else { return nil }
        return string(f.valueStart, f.valueEnd)
    }

    /// All values of a header (e.g. several Cookie lines).
    public func values(_ name: String) -> [String] {
        var out: [String] = []
        var name = name
        name.withUTF8 { n in
            for f in fields where matches(f, n) { out.append(string(f.valueStart, f.valueEnd)) }
        }
        return out
    }

    public func contains(_ name: String) -> Bool { find(name) != nil }

    public func makeIterator() -> AnyIterator<(name: String, value: String)> {
        var i = 0
        return AnyIterator {
            guard i < fields.count else { return nil }
            let f = fields[i]; i += 1
            return (string(f.nameStart, f.nameEnd), string(f.valueStart, f.valueEnd))
        }
    }

    func find(_ name: String) -> Field? {
        var name = name
        return name.withUTF8 { n -> Field? in
            for f in fields where matches(f, n) { return f }
            return nil
        }
    }

    /// Case-insensitive comparison of a stored name with an ASCII name.
    func matches(_ f: Field, _ n: UnsafeBufferPointer<UInt8>) -> Bool {
        let len = Int(f.nameEnd) - Int(f.nameStart)
        guard len == n.count else { return false }
        return storage.withUnsafeBufferPointer { s in
            var i = 0
            let base = Int(f.nameStart)
            while i < len {
                if asciiLower(s[base + i]) != asciiLower(n[i]) { return false }
                i += 1
            }
            return true
        }
    }

    /// Value bytes compared case-insensitively with an ASCII token (e.g. "chunked").
    func valueEquals(_ f: Field, _ token: StaticString) -> Bool {
        let len = Int(f.valueEnd) - Int(f.valueStart)
        guard len == token.utf8CodeUnitCount else { return false }
        let t = token.utf8Start
        return storage.withUnsafeBufferPointer { s in
            for i in 0..<len where asciiLower(s[Int(f.valueStart) + i]) != asciiLower(t[i]) { return false }
            return true
        }
    }

    func string(_ a: Int32, _ b: Int32) -> String {
        storage.withUnsafeBufferPointer { s in
            // Offsets come from the parser and always fit; clamp anyway so a bad field reads "" instead of trapping.
            let lo = Swift.max(0, Swift.min(Int(a), s.count)), hi = Swift.max(lo, Swift.min(Int(b), s.count))
            return String(decoding: UnsafeBufferPointer(rebasing: s[lo..<hi]), as: UTF8.self)
        }
    }
}

@inline(__always) func asciiLower(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c | 0x20 : c }
