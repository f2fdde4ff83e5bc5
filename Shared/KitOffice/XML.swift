/// One event of `XMLPullParser`. Names keep their prefix as written (`r:id`, `x:c`).
public enum XMLEvent: Equatable, Sendable {
    case start(name: String, attributes: [XMLAttribute])
    case end(name: String)
    /// Character data (entities resolved, CDATA included); whitespace-only text is reported too.
    case text(String)
}

public struct XMLAttribute: Equatable, Sendable {
    public let name: String
    public let value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}

extension Array where Element == XMLAttribute {
    /// The value of the attribute called `name` exactly.
    public func value(_ name: String) -> String? {
        for a in self where a.name == name { return a.value }
        return nil
    }
    /// The value of an attribute whose local name (after any prefix) is `local` and that has a prefix
    /// (`r:id`, `ns1:id`): relationship ids are written with whatever prefix the producer chose.
    public func prefixedValue(local: String) -> String? {
        for a in self {
            if let colon = a.name.lastIndex(of: ":"), a.name[a.name.index(after: colon)...] == local { return a.value }
        }
        return nil
    }
}

/// A small pull parser for the XML of OOXML parts: elements, attributes, the five predefined entities and
/// numeric character references, CDATA, comments and processing instructions (skipped). Refuses any
/// DOCTYPE (so no entity expansion, no XXE, no billion laughs), nesting deeper than `maxDepth`, mismatched
/// or unclosed tags, duplicate attributes, unknown entities, invalid character references and UTF-16 input.
/// Namespaces are not resolved: names keep their prefixes as written.
public struct XMLPullParser {
    private let bytes: [UInt8]
    private var i = 0
    private var stack: [String] = []
    private var pendingEnd: String?
    private var sawRoot = false
    public let maxDepth: Int

    public init(_ bytes: [UInt8], maxDepth: Int = 64) throws {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw OfficeError.xmlMalformed("UTF-16")
        }
        self.bytes = bytes
        self.maxDepth = maxDepth
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
    }

    public var depth: Int { stack.count }

    /// The next event, or nil at the end of a well-formed document.
    public mutating func next() throws -> XMLEvent? {
        if let name = pendingEnd {
            pendingEnd = nil
            stack.removeLast()
            return .end(name: name)
        }
        let n = bytes.count
        while i < n {
            if bytes[i] != 0x3C {  // text
                let start = i
                while i < n && bytes[i] != 0x3C { i += 1 }
                if stack.isEmpty {
                    for b in bytes[start..<i] where !Self.isSpace(b) { throw OfficeError.xmlMalformed("根元素外有文本") }
                    continue
                }
                return .text(try Self.decodeText(bytes[start..<i]))
            }
            // Markup.
            if startsWith("<!--") {
                guard let end = find("-->", from: i + 4) else { throw OfficeError.xmlMalformed("注释未闭合") }
                i = end + 3
                continue
            }
            if startsWith("<![CDATA[") {
                guard !stack.isEmpty else { throw OfficeError.xmlMalformed("CDATA 位置错误") }
                guard let end = find("]]>", from: i + 9) else { throw OfficeError.xmlMalformed("CDATA 未闭合") }
                let text = String(decoding: bytes[(i + 9)..<end], as: UTF8.self)
                i = end + 3
                return .text(text)
            }
            if startsWith("<!") {
                // <!DOCTYPE ...> and any other declaration (<!ENTITY, <!ELEMENT) are refused outright.
                throw OfficeError.xmlDoctype
            }
            if startsWith("<?") {
                guard let end = find("?>", from: i + 2) else { throw OfficeError.xmlMalformed("处理指令未闭合") }
                i = end + 2
                continue
            }
            if startsWith("</") {
                i += 2
                let name = try readName()
                skipSpace()
                guard i < n, bytes[i] == 0x3E else { throw OfficeError.xmlMalformed("结束标签错误") }
                i += 1
                guard let open = stack.last, open == name else { throw OfficeError.xmlMalformed("标签不匹配") }
                stack.removeLast()
                return .end(name: name)
            }
            // Start tag.
            i += 1
            let name = try readName()
            if stack.isEmpty {
                guard !sawRoot else { throw OfficeError.xmlMalformed("多个根元素") }
                sawRoot = true
            }
            var attributes: [XMLAttribute] = []
            while true {
                let hadSpace = skipSpace()
                guard i < n else { throw OfficeError.xmlMalformed("标签未闭合") }
                if bytes[i] == 0x3E { i += 1; break }
                if bytes[i] == 0x2F {
                    guard i + 1 < n, bytes[i + 1] == 0x3E else { throw OfficeError.xmlMalformed("标签错误") }
                    i += 2
                    pendingEnd = name
                    break
                }
                guard hadSpace else { throw OfficeError.xmlMalformed("属性前缺少空白") }
                let attr = try readName()
                skipSpace()
                guard i < n, bytes[i] == 0x3D else { throw OfficeError.xmlMalformed("属性缺少等号") }
                i += 1
                skipSpace()
                guard i < n, bytes[i] == 0x22 || bytes[i] == 0x27 else { throw OfficeError.xmlMalformed("属性值缺少引号") }
                let q = bytes[i]
                i += 1
                let vs = i
                while i < n && bytes[i] != q {
                    if bytes[i] == 0x3C { throw OfficeError.xmlMalformed("属性值含有 <") }
                    i += 1
                }
                guard i < n else { throw OfficeError.xmlMalformed("属性值未闭合") }
                let value = try Self.decodeText(bytes[vs..<i])
                i += 1
                if attributes.contains(where: { $0.name == attr }) { throw OfficeError.xmlMalformed("属性重复") }
                attributes.append(XMLAttribute(name: attr, value: value))
            }
            guard stack.count < maxDepth else { throw OfficeError.xmlTooDeep(limit: maxDepth) }
            stack.append(name)
            return .start(name: name, attributes: attributes)
        }
        guard stack.isEmpty else { throw OfficeError.xmlMalformed("文档不完整") }
        guard sawRoot else { throw OfficeError.xmlMalformed("没有根元素") }
        return nil
    }

    /// Skips the rest of the element whose start was just returned (its children and its end).
    public mutating func skipElement() throws {
        let target = stack.count - 1
        while let e = try next() {
            if case .end = e, stack.count == target { return }
        }
    }

    /// The text content of the element whose start was just returned, up to its end (the text of nested
    /// elements included).
    public mutating func readText() throws -> String {
        let target = stack.count - 1
        var out = ""
        while let e = try next() {
            switch e {
            case .text(let t): out += t
            case .end where stack.count == target: return out
            default: break
            }
        }
        throw OfficeError.xmlMalformed("文档不完整")
    }

    // MARK: - Lexing

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let s = i
        while i < bytes.count && Self.isSpace(bytes[i]) { i += 1 }
        return i > s
    }

    private func startsWith(_ s: StaticString) -> Bool {
        let count = s.utf8CodeUnitCount
        guard i + count <= bytes.count else { return false }
        let p = s.utf8Start
        for k in 0..<count where bytes[i + k] != p[k] { return false }
        return true
    }

    private func find(_ s: StaticString, from: Int) -> Int? {
        let count = s.utf8CodeUnitCount
        let p = s.utf8Start
        var j = from
        while j + count <= bytes.count {
            var ok = true
            for k in 0..<count where bytes[j + k] != p[k] { ok = false; break }
            if ok { return j }
            j += 1
        }
        return nil
    }

    private mutating func readName() throws -> String {
        let s = i
        while i < bytes.count {
            let b = bytes[i]
            if Self.isSpace(b) || b == 0x3E || b == 0x2F || b == 0x3D || b == 0x3C || b == 0x22 || b == 0x27 || b == 0x26 { break }
            i += 1
        }
        guard i > s else { throw OfficeError.xmlMalformed("缺少名称") }
        let first = bytes[s]
        if (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2E { throw OfficeError.xmlMalformed("名称无效") }
        return String(decoding: bytes[s..<i], as: UTF8.self)
    }

    /// Resolves entity and character references; a bare `&` or `<` is refused.
    static func decodeText(_ slice: ArraySlice<UInt8>) throws -> String {
        guard slice.contains(0x26) else {
            if slice.contains(0x3C) { throw OfficeError.xmlMalformed("文本含有 <") }
            return String(decoding: slice, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var j = slice.startIndex
        let end = slice.endIndex
        while j < end {
            let b = slice[j]
            if b != 0x26 { out.append(b); j += 1; continue }
            var k = j + 1
            while k < end && slice[k] != 0x3B && k - j <= 12 { k += 1 }
            guard k < end, slice[k] == 0x3B else { throw OfficeError.xmlMalformed("实体引用错误") }
            let ref = String(decoding: slice[(j + 1)..<k], as: UTF8.self)
            switch ref {
            case "amp": out.append(0x26)
            case "lt": out.append(0x3C)
            case "gt": out.append(0x3E)
            case "quot": out.append(0x22)
            case "apos": out.append(0x27)
            default:
                guard ref.hasPrefix("#") else { throw OfficeError.xmlMalformed("未知实体 &\(ref);") }
                var digits = ref.dropFirst()
                var radix = 10
                if digits.hasPrefix("x") { digits = digits.dropFirst(); radix = 16 }
                guard !digits.isEmpty, digits.count <= 8,
                      digits.allSatisfy({ radix == 16 ? $0.isHexDigit : ("0"..."9").contains($0) }),
                      let v = UInt32(digits, radix: radix),
                      let scalar = Unicode.Scalar(v), v == 0x9 || v == 0xA || v == 0xD || v >= 0x20,
                      v != 0xFFFE, v != 0xFFFF else {
                    throw OfficeError.xmlMalformed("字符引用无效")
                }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            j = k + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
