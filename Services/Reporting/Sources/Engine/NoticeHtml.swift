/// The rich text of a notice (信息发布), made safe on the server by an allow-list: p, br, strong,
/// em, ul, ol, li, h3 and a (href http/https only, rel="noopener noreferrer"). Every other tag is
/// dropped (its text kept, escaped), the content of script-like elements is dropped whole,
/// comments and processing instructions vanish, every attribute but a's href is dropped, and
/// text is escaped (well-formed character references pass through as text). The output is
/// balanced: every allowed element opened is closed, at most `maxDepth` deep.
///
/// A parser of untrusted input: it walks the UTF-8 bytes with bounds-checked indices only,
/// never reads past the end, and its only counters are bounded by the input length. Linear
/// time: a tag left open at the end of the input (no '>', or an unclosed quote) makes every
/// later '<' text, so no byte is scanned again from each following '<'.
enum NoticeHtml {
    static let maxInputBytes = 20_000
    static let maxDepth = 16
    static let allowed: Set<String> = ["p", "br", "strong", "em", "ul", "ol", "li", "a", "h3"]
    /// Synonyms mapped onto allowed tags.
    static let synonyms: [String: String] = ["b": "strong", "i": "em"]
    /// Elements whose content is not text for the reader (code, styles, embedded documents).
    static let dropContent: Set<String> = ["script", "style", "iframe", "object", "embed", "template", "textarea", "title",
                                           "noscript", "noembed", "noframes", "xmp", "svg", "math", "select", "frameset", "plaintext"]

    enum Failure: Error, Equatable { case tooLong }

    /// The sanitized HTML of `input`; `.tooLong` past `maxInputBytes`.
    static func sanitize(_ input: String) throws -> String {
        let bytes = Array(input.utf8)
        guard bytes.count <= maxInputBytes else { throw Failure.tooLong }
        var parser = Parser(bytes: bytes)
        return parser.run()
    }

    /// The text of sanitized HTML without tags (for a preview line).
    static func plainText(_ html: String, limit: Int = 120) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true; continue }
            if ch == ">" { inTag = false; out.append(" "); continue }
            if !inTag { out.append(ch) }
        }
        let collapsed = out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let unescaped = collapsed.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        return unescaped.count > limit ? String(unescaped.prefix(limit)) + "…" : unescaped
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0
        var out: [UInt8] = []
        var stack: [String] = []
        /// A tag scan reached the end of the input: every '<' from here on is text (scanning
        /// again from each one would reach the end again: quadratic time).
        var unterminated = false

        init(bytes: [UInt8]) {
            self.bytes = bytes
            out.reserveCapacity(bytes.count + 64)
        }

        func at(_ k: Int) -> UInt8? { k >= 0 && k < bytes.count ? bytes[k] : nil }

        static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        static func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || (b >= 0x30 && b <= 0x39) }
        static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D }
        static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

        mutating func emit(_ s: String) { out.append(contentsOf: s.utf8) }

        /// Text byte, escaped.
        mutating func text(_ b: UInt8) {
            switch b {
            case 0x3C: emit("&lt;")
            case 0x3E: emit("&gt;")
            case 0x22: emit("&quot;")
            case 0x27: emit("&#39;")
            case 0x00: emit("\u{FFFD}")
            default: out.append(b)
            }
        }

        /// Length of a well-formed character reference at `k` ("&amp;", "&#39;", "&#x1F600;"), else nil.
        func reference(at k: Int) -> Int? {
            guard at(k) == 0x26 else { return nil }
            var j = k + 1
            if at(j) == 0x23 {  // '#'
                j += 1
                let hex = at(j) == 0x78 || at(j) == 0x58
                if hex { j += 1 }
                let start = j
                while let b = at(j), j - start < 8,
                      (b >= 0x30 && b <= 0x39) || (hex && ((b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46))) { j += 1 }
                guard j > start, at(j) == 0x3B else { return nil }
                return j - k + 1
            }
            let start = j
            while let b = at(j), j - start < 12, Self.isAlnum(b) { j += 1 }
            guard j > start, at(j) == 0x3B else { return nil }
            return j - k + 1
        }

        mutating func run() -> [UInt8] {
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x3C, !unterminated, tag() { continue }
                if b == 0x26 {
                    if let n = reference(at: i) {
                        out.append(contentsOf: bytes[i..<(i + n)])
                        i += n
                    } else {
                        emit("&amp;")
                        i += 1
                    }
                    continue
                }
                text(b)
                i += 1
            }
            while let open = stack.popLast() { emit("</\(open)>") }
            return out
        }

        mutating func run() -> String { String(decoding: run() as [UInt8], as: UTF8.self) }

        /// At '<': consumes a tag, comment or declaration and returns true; false when the '<'
        /// is text (the caller escapes it).
        mutating func tag() -> Bool {
            let next = at(i + 1)
            if next == 0x21 || next == 0x3F {  // "<!" comment/doctype/CDATA, "<?" processing instruction
                if at(i + 2) == 0x2D, at(i + 3) == 0x2D {
                    i = end(of: "-->", from: i + 4)
                } else {
                    i = end(of: ">", from: i + 2)
                }
                return true
            }
            let closing = next == 0x2F
            let nameStart = closing ? i + 2 : i + 1
            guard let first = at(nameStart), Self.isLetter(first) else { return false }
            var j = nameStart
            var name: [UInt8] = []
            while let c = at(j), Self.isAlnum(c) || c == 0x2D {
                if name.count < 32 { name.append(Self.lower(c)) }
                j += 1
            }
            // Attributes up to the closing '>' (quotes respected); no '>' at all: the '<' is text.
            var href: [UInt8]? = nil
            while true {
                while let c = at(j), Self.isSpace(c) || c == 0x2F { j += 1 }
                guard let c = at(j) else { unterminated = true; return false }
                if c == 0x3E { j += 1; break }
                var attr: [UInt8] = []
                while let a = at(j), !Self.isSpace(a), a != 0x3E, a != 0x2F, a != 0x3D {
                    if attr.count < 32 { attr.append(Self.lower(a)) }
                    j += 1
                }
                if attr.isEmpty, at(j) == 0x3D { attr = [0x3D] }  // a stray '=': skip it as a nameless attribute
                while let s = at(j), Self.isSpace(s) { j += 1 }
                var value: [UInt8] = []
                if at(j) == 0x3D {
                    j += 1
                    while let s = at(j), Self.isSpace(s) { j += 1 }
                    if let q = at(j), q == 0x22 || q == 0x27 {
                        j += 1
                        while let v = at(j), v != q { value.append(v); j += 1 }
                        guard at(j) == q else { unterminated = true; return false }
                        j += 1
                    } else {
                        while let v = at(j), !Self.isSpace(v), v != 0x3E { value.append(v); j += 1 }
                    }
                }
                if attr == Array("href".utf8), href == nil { href = value }
            }
            i = j
            var tagName = String(decoding: name, as: UTF8.self)
            if let s = NoticeHtml.synonyms[tagName] { tagName = s }
            if !closing, NoticeHtml.dropContent.contains(tagName) {
                i = endOfElement(tagName)
                return true
            }
            guard NoticeHtml.allowed.contains(tagName) else { return true }  // dropped, its text kept
            if closing {
                if tagName == "br" { return true }
                if stack.contains(tagName) {
                    while let open = stack.popLast() {
                        emit("</\(open)>")
                        if open == tagName { break }
                    }
                }
                return true
            }
            if tagName == "br" { emit("<br>"); return true }
            guard stack.count < NoticeHtml.maxDepth else { return true }
            if tagName == "a" {
                guard !stack.contains("a"), let url = href.flatMap(Self.safeURL) else { return true }
                emit("<a href=\"")
                for c in url { attributeByte(c) }
                emit("\" rel=\"noopener noreferrer\">")
            } else {
                emit("<\(tagName)>")
            }
            stack.append(tagName)
            return true
        }

        mutating func attributeByte(_ c: UInt8) {
            switch c {
            case 0x26: emit("&amp;")
            case 0x22: emit("&quot;")
            case 0x27: emit("&#39;")
            case 0x3C: emit("&lt;")
            case 0x3E: emit("&gt;")
            default: out.append(c)
            }
        }

        /// An href kept only as an absolute http(s) URL: character references decoded first
        /// (so "&#106;avascript:" is seen as what the browser would see), no whitespace or
        /// control characters anywhere, at most 2,000 bytes.
        static func safeURL(_ raw: [UInt8]) -> [UInt8]? {
            guard raw.count <= 2_000 else { return nil }
            let decoded = decodeReferences(raw)
            guard !decoded.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == 0x22 || $0 == 0x27 || $0 == 0x3C || $0 == 0x3E || $0 == 0x5C }) else { return nil }
            let lower = decoded.prefix(8).map(lower)
            let http = Array("http://".utf8), https = Array("https://".utf8)
            guard lower.starts(with: https) || lower.starts(with: http) else { return nil }
            let scheme = lower.starts(with: https) ? https : http
            let rest = decoded.dropFirst(scheme.count)
            guard let host = rest.first, host != 0x2F else { return nil }
            return scheme + Array(rest)  // the scheme in lower case
        }

        /// Decodes &amp; &lt; &gt; &quot; &apos; &#NN; &#xNN; (others stay as written). A numeric
        /// value past U+10FFFF or a surrogate becomes U+FFFD; digits are bounded before use.
        static func decodeReferences(_ raw: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var k = 0
            let named: [String: UInt8] = ["amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "colon": 0x3A,
                                          "tab": 0x09, "newline": 0x0A, "sol": 0x2F, "period": 0x2E]
            while k < raw.count {
                guard raw[k] == 0x26 else { out.append(raw[k]); k += 1; continue }
                var j = k + 1
                if j < raw.count, raw[j] == 0x23 {
                    j += 1
                    let hex = j < raw.count && (raw[j] == 0x78 || raw[j] == 0x58)
                    if hex { j += 1 }
                    var value: UInt32 = 0
                    var digits = 0
                    while j < raw.count, let d = digit(raw[j], hex: hex) {
                        if digits < 8 {
                            let (m, o1) = value.multipliedReportingOverflow(by: hex ? 16 : 10)
                            let (s, o2) = m.addingReportingOverflow(d)
                            value = (o1 || o2) ? UInt32.max : s
                        } else {
                            value = UInt32.max
                        }
                        digits += 1
                        j += 1
                    }
                    guard digits > 0 else { out.append(raw[k]); k += 1; continue }
                    if j < raw.count, raw[j] == 0x3B { j += 1 }
                    let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    k = j
                    continue
                }
                var name: [UInt8] = []
                while j < raw.count, name.count < 8, isAlnum(raw[j]) { name.append(lower(raw[j])); j += 1 }
                if j < raw.count, raw[j] == 0x3B, let v = named[String(decoding: name, as: UTF8.self)] {
                    out.append(v)
                    k = j + 1
                } else {
                    out.append(raw[k])
                    k += 1
                }
            }
            return out
        }

        static func digit(_ b: UInt8, hex: Bool) -> UInt32? {
            if b >= 0x30 && b <= 0x39 { return UInt32(b - 0x30) }
            guard hex else { return nil }
            if b >= 0x61 && b <= 0x66 { return UInt32(b - 0x61 + 10) }
            if b >= 0x41 && b <= 0x46 { return UInt32(b - 0x41 + 10) }
            return nil
        }

        /// The index just past `marker` searched from `from`, or the end of the input.
        func end(of marker: String, from: Int) -> Int {
            let m = Array(marker.utf8)
            var k = max(0, from)
            while k < bytes.count {
                if bytes[k] == m[0], k + m.count <= bytes.count, Array(bytes[k..<(k + m.count)]) == m { return k + m.count }
                k += 1
            }
            return bytes.count
        }

        /// Past the closing tag of a dropped element (case-insensitive "</name" then '>'), or the end.
        func endOfElement(_ name: String) -> Int {
            let needle = Array(("</" + name).utf8)
            var k = i
            while k < bytes.count {
                if bytes[k] == 0x3C, k + needle.count <= bytes.count {
                    var match = true
                    for (n, c) in needle.enumerated() where Self.lower(bytes[k + n]) != c { match = false; break }
                    if match {
                        let after = k + needle.count
                        if after >= bytes.count || !Self.isAlnum(bytes[after]) { return end(of: ">", from: after) }
                    }
                }
                k += 1
            }
            return bytes.count
        }
    }
}
