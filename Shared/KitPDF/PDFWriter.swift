/// Low-level PDF object model and file writer (objects, streams, xref table, trailer).

/// A PDF object value.
public indirect enum PDFValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case real(Double)
    /// A name, written with `#xx` escapes where needed (pass it without the leading slash).
    case name(String)
    /// A literal string `( … )` of raw bytes.
    case string([UInt8])
    /// A hexadecimal string `< … >` of raw bytes.
    case hexString([UInt8])
    case array([PDFValue])
    case dictionary(PDFDictionary)
    /// An indirect reference `n 0 R`.
    case reference(Int)

    /// A text string: ASCII-only text as a literal string, anything else as UTF-16BE with BOM.
    public static func text(_ s: String) -> PDFValue {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return .string(Array(s.utf8)) }
        var bytes: [UInt8] = [0xFE, 0xFF]
        for unit in s.utf16 { bytes.append(UInt8(unit >> 8)); bytes.append(UInt8(unit & 0xFF)) }
        return .hexString(bytes)
    }

    /// An array of numbers.
    public static func numbers(_ values: [Double]) -> PDFValue { .array(values.map { .real($0) }) }

    func serialize(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .real(let d): out += Array(pdfNumber(d).utf8)
        case .name(let n): out += Array(pdfName(n).utf8)
        case .string(let bytes):
            out.append(UInt8(ascii: "("))
            for b in bytes {
                switch b {
                case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\")); out.append(b)
                case 0x20..<0x7F: out.append(b)
                default:
                    out.append(UInt8(ascii: "\\"))
                    out += Array(String(b, radix: 8).leftPadded(to: 3).utf8)
                }
            }
            out.append(UInt8(ascii: ")"))
        case .hexString(let bytes):
            out.append(UInt8(ascii: "<"))
            out += hexBytes(bytes)
            out.append(UInt8(ascii: ">"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                item.serialize(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let dict): dict.serialize(into: &out)
        case .reference(let n): out += Array("\(n) 0 R".utf8)
        }
    }
}

/// A PDF dictionary that keeps its keys in insertion order (deterministic output).
public struct PDFDictionary: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: PDFValue
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, PDFValue)...) {
        for (k, v) in elements { self[k] = v }
    }

    public subscript(key: String) -> PDFValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }

    func serialize(into out: inout [UInt8]) {
        out += Array("<<".utf8)
        for e in entries {
            out += Array(" \(pdfName(e.key)) ".utf8)
            e.value.serialize(into: &out)
        }
        out += Array(" >>".utf8)
    }
}

/// Writes a PDF file: header, numbered indirect objects (in any order), a classic xref table
/// whose offsets point at each `n 0 obj`, and a trailer.
public struct PDFObjectWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var offsets: [Int?] = []

    public init(version: String = "1.7") {
        bytes += Array("%PDF-\(version)\n".utf8)
        bytes += [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]   // binary marker comment
    }

    /// Reserves the next object number (objects may then be written in any order).
    public mutating func allocate() -> Int {
        offsets.append(nil)
        return offsets.count
    }

    /// Writes indirect object `number` (from ``allocate()``).
    public mutating func write(_ number: Int, _ value: PDFValue) {
        begin(number)
        value.serialize(into: &bytes)
        bytes += Array("\nendobj\n".utf8)
    }

    /// Writes a stream object; `/Length` (and `/Filter /FlateDecode` when compressing) are added.
    public mutating func writeStream(_ number: Int, dictionary: PDFDictionary = PDFDictionary(),
                                     data: [UInt8], compress: Bool = true) {
        var dict = dictionary
        let payload = compress ? FlateCodec.compress(data) : data
        if compress { dict["Filter"] = .name("FlateDecode") }
        dict["Length"] = .int(payload.count)
        begin(number)
        dict.serialize(into: &bytes)
        bytes += Array("\nstream\n".utf8)
        bytes += payload
        bytes += Array("\nendstream\nendobj\n".utf8)
    }

    private mutating func begin(_ number: Int) {
        precondition(number >= 1 && number <= offsets.count, "object \(number) was not allocated")
        precondition(offsets[number - 1] == nil, "object \(number) written twice")
        offsets[number - 1] = bytes.count
        bytes += Array("\(number) 0 obj\n".utf8)
    }

    /// Appends the xref table and trailer and returns the finished file.
    public mutating func finish(root: Int, info: Int? = nil, id: [UInt8]? = nil) -> [UInt8] {
        let xrefOffset = bytes.count
        bytes += Array("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n".utf8)
        for (i, offset) in offsets.enumerated() {
            guard let offset else { preconditionFailure("object \(i + 1) allocated but never written") }
            bytes += Array("\(String(offset).leftPadded(to: 10)) 00000 n \n".utf8)
        }
        var trailer: PDFDictionary = ["Size": .int(offsets.count + 1), "Root": .reference(root)]
        if let info { trailer["Info"] = .reference(info) }
        if let id { trailer["ID"] = .array([.hexString(id), .hexString(id)]) }
        bytes += Array("trailer\n".utf8)
        trailer.serialize(into: &bytes)
        bytes += Array("\nstartxref\n\(xrefOffset)\n%%EOF\n".utf8)
        return bytes
    }
}

// MARK: - Formatting helpers

/// A number in PDF syntax: at most 3 decimals, no exponent, no trailing zeros.
func pdfNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let scaled = (value * 1000).rounded()
    guard abs(scaled) < 9.0e15 else { return String(Int(value.rounded())) }
    var milli = Int(scaled)
    let negative = milli < 0
    milli = abs(milli)
    var s = String(milli / 1000)
    var frac = milli % 1000
    if frac != 0 {
        var digits = String(frac).leftPadded(to: 3)
        while digits.hasSuffix("0") { digits.removeLast(); frac /= 10 }
        s += "." + digits
    }
    return negative && milli != 0 ? "-" + s : s
}

/// A name token with `#xx` escapes for delimiters, whitespace and non-ASCII bytes.
func pdfName(_ name: String) -> String {
    var out = "/"
    for b in name.utf8 {
        if b > 0x20, b < 0x7F, !"()<>[]{}/%#".utf8.contains(b) {
            out.append(Character(Unicode.Scalar(b)))
        } else {
            out += "#" + String(decoding: hexBytes([b]), as: UTF8.self)
        }
    }
    return out
}

func hexBytes(_ bytes: [UInt8]) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
    return out
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
