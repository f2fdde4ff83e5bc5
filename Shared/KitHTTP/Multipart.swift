#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One part of a multipart/form-data body.
public struct MultipartPart: Sendable {
    /// The `name` parameter of Content-Disposition (the form field).
    public let name: String
    /// The file name as the client sent it: `filename*` (RFC 5987) when present and decodable, else `filename`
    /// (browsers send raw UTF-8 and percent-encode only `"`, CR and LF, which are left as they are).
    /// nil for plain fields; "" for a file input submitted without a file. Sanitise before use.
    public let filename: String?
    /// The part's Content-Type header value, if any (e.g. "image/png"); never trust it for the file type.
    public let contentType: String?
    /// All header fields of the part in order, names as sent, values trimmed.
    public let headers: [(String, String)]
    /// The part's content as a byte range of the buffer given to `Multipart.parse` (no copy).
    public let body: Range<Int>

    public init(name: String, filename: String?, contentType: String?, headers: [(String, String)], body: Range<Int>) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// The first header field called `name` (ASCII case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = Multipart.lowercasedASCII(name)
        return headers.first { Multipart.lowercasedASCII($0.0) == wanted }?.1
    }
}

public enum MultipartError: Error, Sendable, Equatable {
    /// The boundary is missing or not 1...70 printable ASCII characters.
    case missingBoundary
    /// The body does not follow RFC 7578 / RFC 2046; the string says where.
    case malformed(String)
    /// More parts than allowed; carries the limit.
    case tooManyParts(Int)
    /// A part's header block exceeds `Multipart.maxHeaderBytes`.
    case headerTooLarge
}

/// multipart/form-data (RFC 7578) parsing of a body held in memory.
public enum Multipart {
    /// Largest header block of one part, in bytes (without the blank line that ends it).
    public static let maxHeaderBytes = 8 * 1024

    /// The `boundary` parameter of a `multipart/…` Content-Type value, token or quoted-string (with `\` escapes),
    /// parameter name case-insensitive. nil unless the media type is multipart and the boundary is 1...70
    /// printable ASCII characters not ending in a space.
    public static func boundary(fromContentType value: String) -> String? {
        let bytes = Array(value.utf8)
        var i = 0
        while i < bytes.count && bytes[i] != UInt8(ascii: ";") { i += 1 }
        let mediaType = lowercasedASCII(trimmedASCII(String(decoding: bytes[0..<i], as: UTF8.self)))
        guard mediaType.hasPrefix("multipart/"), mediaType.count > "multipart/".count else { return nil }
        for (name, rawValue) in parameters(bytes, from: i) where name == "boundary" {
            guard let boundary = rawValue, isValidBoundary(boundary) else { return nil }
            return boundary
        }
        return nil
    }

    /// Parses a complete multipart/form-data body.
    ///
    /// - Delimiters are CRLF `--boundary` (RFC 2046/7578); the CRLF before a delimiter belongs to it, so part bodies
    ///   are byte-exact. A delimiter line may carry trailing spaces/tabs. The first delimiter may open the body or
    ///   follow a preamble; everything after the close delimiter (`--boundary--`) is epilogue and ignored.
    /// - A match of CRLF `--boundary` that is followed by anything but `--` or optional white space and CRLF is part
    ///   of the content (lenient; RFC 2046 forbids it in the content).
    /// - Each part needs a `Content-Disposition: form-data` header with a `name` parameter. Header lines are
    ///   CRLF-separated `Name: value` (obsolete folded lines are joined), decoded as UTF-8 (ISO-8859-1 if invalid).
    /// - Limits: at most `maxParts` parts (`tooManyParts`), each header block at most `maxHeaderBytes` (`headerTooLarge`).
    /// - Searching uses memchr for the CR of the delimiter plus memcmp; a boundary holds no CR, so candidate matches
    ///   never overlap and the scan is linear in the body size whatever the content.
    public static func parse(_ body: [UInt8], boundary: String, maxParts: Int = 20) throws -> [MultipartPart] {
        guard isValidBoundary(boundary) else { throw MultipartError.missingBoundary }
        let dashBoundary: [UInt8] = [0x2D, 0x2D] + Array(boundary.utf8)
        let delimiter: [UInt8] = [0x0D, 0x0A] + dashBoundary
        return try body.withUnsafeBufferPointer { buffer -> [MultipartPart] in
            let count = buffer.count
            guard let base = buffer.baseAddress, count > 0 else { throw MultipartError.malformed("empty body") }

            // Where a delimiter's line ends: (close, index after it) or nil if this is no delimiter.
            func lineEnd(after p: Int) -> (close: Bool, next: Int)? {
                if p + 2 <= count && base[p] == 0x2D && base[p + 1] == 0x2D { return (true, p + 2) }
                var q = p
                while q < count && (base[q] == 0x20 || base[q] == 0x09) { q += 1 }
                if q + 2 <= count && base[q] == 0x0D && base[q + 1] == 0x0A { return (false, q + 2) }
                return nil
            }
            // Next real delimiter (CRLF--boundary + valid line end) at or after `from`.
            func nextDelimiter(from: Int) -> (start: Int, close: Bool, next: Int)? {
                var searchFrom = from
                while let hit = find(delimiter, in: base, count: count, from: searchFrom) {
                    if let end = lineEnd(after: hit + delimiter.count) { return (hit, end.close, end.next) }
                    searchFrom = hit + 1
                }
                return nil
            }

            // Opening delimiter: at offset 0, or after a preamble.
            var position: Int
            var closed: Bool
            if count >= dashBoundary.count && memcmp(base, dashBoundary, dashBoundary.count) == 0,
               let end = lineEnd(after: dashBoundary.count) {
                (closed, position) = (end.close, end.next)
            } else if let first = nextDelimiter(from: 0) {
                (closed, position) = (first.close, first.next)
            } else {
                throw MultipartError.malformed("no opening boundary")
            }

            var parts: [MultipartPart] = []
            while !closed {
                guard parts.count < maxParts else { throw MultipartError.tooManyParts(maxParts) }
                // Header block, ended by an empty line.
                let headerStart = position
                let bodyStart: Int
                var headerBytes: UnsafeBufferPointer<UInt8>
                if position + 2 <= count && base[position] == 0x0D && base[position + 1] == 0x0A {
                    headerBytes = UnsafeBufferPointer(start: base + position, count: 0)
                    bodyStart = position + 2
                } else {
                    let limit = min(count, headerStart + maxHeaderBytes + 4)
                    guard let blank = find([0x0D, 0x0A, 0x0D, 0x0A], in: base, count: limit, from: headerStart) else {
                        if count - headerStart >= maxHeaderBytes + 4 { throw MultipartError.headerTooLarge }
                        throw MultipartError.malformed("part \(parts.count + 1): unterminated header block")
                    }
                    headerBytes = UnsafeBufferPointer(start: base + headerStart, count: blank - headerStart)
                    bodyStart = blank + 4
                }
                let headers = try parseHeaders(headerBytes, part: parts.count + 1)
                guard let end = nextDelimiter(from: max(bodyStart - 2, headerStart)) else {
                    throw MultipartError.malformed("part \(parts.count + 1): missing closing boundary")
                }
                // With no headers, the empty line is the delimiter line's own CRLF: the body may be empty.
                let bodyRange = bodyStart <= end.start ? bodyStart..<end.start : end.start..<end.start
                parts.append(try makePart(headers: headers, body: bodyRange, part: parts.count + 1))
                (closed, position) = (end.close, end.next)
            }
            return parts
        }
    }

    // MARK: - Parts and headers

    static func makePart(headers: [(String, String)], body: Range<Int>, part: Int) throws -> MultipartPart {
        guard let disposition = headers.first(where: { lowercasedASCII($0.0) == "content-disposition" })?.1 else {
            throw MultipartError.malformed("part \(part): missing Content-Disposition")
        }
        let bytes = Array(disposition.utf8)
        var i = 0
        while i < bytes.count && bytes[i] != UInt8(ascii: ";") { i += 1 }
        guard lowercasedASCII(trimmedASCII(String(decoding: bytes[0..<i], as: UTF8.self))) == "form-data" else {
            throw MultipartError.malformed("part \(part): Content-Disposition is not form-data")
        }
        var name: String?, filename: String?, extendedFilename: String?
        for (key, value) in parameters(bytes, from: i) {
            switch key {
            case "name" where name == nil: name = value
            case "filename" where filename == nil: filename = value
            case "filename*" where extendedFilename == nil: extendedFilename = value.flatMap(decodeExtendedValue)
            default: break
            }
        }
        guard let fieldName = name else { throw MultipartError.malformed("part \(part): Content-Disposition without name") }
        let contentType = headers.first(where: { lowercasedASCII($0.0) == "content-type" })?.1
        return MultipartPart(name: fieldName, filename: extendedFilename ?? filename, contentType: contentType,
                             headers: headers, body: body)
    }

    static func parseHeaders(_ block: UnsafeBufferPointer<UInt8>, part: Int) throws -> [(String, String)] {
        guard !block.isEmpty else { return [] }
        var lines: [ArraySlice<UInt8>] = []
        let all = Array(block)
        var start = 0, i = 0
        while i + 1 < all.count {
            if all[i] == 0x0D && all[i + 1] == 0x0A {
                lines.append(all[start..<i]); i += 2; start = i
            } else {
                i += 1
            }
        }
        lines.append(all[start..<all.count])

        var headers: [(String, String)] = []
        for line in lines {
            if let first = line.first, first == 0x20 || first == 0x09 {  // obs-fold continuation
                guard let last = headers.popLast() else { throw MultipartError.malformed("part \(part): header starts with white space") }
                headers.append((last.0, trimmedASCII(last.1 + " " + trimmedASCII(decodeText(line)))))
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw MultipartError.malformed("part \(part): header line without a colon")
            }
            let nameBytes = line[line.startIndex..<colon]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(isTokenByte) else {
                throw MultipartError.malformed("part \(part): invalid header name")
            }
            headers.append((String(decoding: nameBytes, as: UTF8.self), trimmedASCII(decodeText(line[(colon + 1)...]))))
        }
        return headers
    }

    /// `; name=value` parameters from `from` on: names lower-cased; values unquoted (nil when unparsable).
    private static func parameters(_ bytes: [UInt8], from start: Int) -> [(String, String?)] {
        var result: [(String, String?)] = []
        var i = start
        let n = bytes.count
        func skipWhitespace() { while i < n && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 } }
        while i < n {
            skipWhitespace()
            if i < n && bytes[i] == UInt8(ascii: ";") { i += 1; continue }
            let nameStart = i
            while i < n && bytes[i] != UInt8(ascii: "=") && bytes[i] != UInt8(ascii: ";") { i += 1 }
            let name = lowercasedASCII(trimmedASCII(String(decoding: bytes[nameStart..<i], as: UTF8.self)))
            guard i < n && bytes[i] == UInt8(ascii: "=") else {
                if !name.isEmpty { result.append((name, nil)) }
                continue
            }
            i += 1
            skipWhitespace()
            if i < n && bytes[i] == UInt8(ascii: "\"") {
                // quoted-string: `\` escapes `"` and `\`; browsers do not escape a lone backslash, so one before
                // any other character is kept. If honouring `\"` leaves the string unterminated, the backslash
                // was literal (a name ending in `\`).
                let open = i + 1
                if let (value, next) = quoted(bytes, from: open, escapes: true) ?? quoted(bytes, from: open, escapes: false) {
                    result.append((name, decodeText(value[...])))
                    i = next
                } else {
                    result.append((name, nil))
                    i = n
                }
            } else {
                let valueStart = i
                while i < n && bytes[i] != UInt8(ascii: ";") { i += 1 }
                result.append((name, trimmedASCII(decodeText(bytes[valueStart..<i]))))
            }
        }
        return result
    }

    private static func quoted(_ bytes: [UInt8], from start: Int, escapes: Bool) -> ([UInt8], Int)? {
        var out: [UInt8] = []
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { return (out, i + 1) }
            if escapes && b == UInt8(ascii: "\\") && i + 1 < bytes.count
                && (bytes[i + 1] == UInt8(ascii: "\"") || bytes[i + 1] == UInt8(ascii: "\\")) {
                out.append(bytes[i + 1]); i += 2
                continue
            }
            out.append(b); i += 1
        }
        return nil
    }

    /// RFC 5987 ext-value: charset'language'percent-encoded; UTF-8 and ISO-8859-1 are understood.
    private static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        let charset = lowercasedASCII(String(pieces[0]))
        var bytes: [UInt8] = []
        var it = Array(pieces[2].utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%") {
                guard it.count >= 2, let hi = hexValue(it[it.startIndex]), let lo = hexValue(it[it.startIndex + 1]) else { return nil }
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        switch charset {
        case "utf-8": return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1": return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default: return nil
        }
    }

    // MARK: - Byte helpers

    /// First index of `pattern` in base[from..<count]: memchr for the first byte, memcmp for the rest.
    private static func find(_ pattern: [UInt8], in base: UnsafePointer<UInt8>, count: Int, from: Int) -> Int? {
        let m = pattern.count
        guard m > 0, from >= 0 else { return nil }
        let first = Int32(pattern[0])
        var pos = from
        while pos + m <= count {
            guard let hit = memchr(base + pos, first, count - m - pos + 1) else { return nil }
            let i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + i, pattern, m) == 0 { return i }
            pos = i + 1
        }
        return nil
    }

    static func isValidBoundary(_ boundary: String) -> Bool {
        let bytes = Array(boundary.utf8)
        return (1...70).contains(bytes.count) && bytes.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } && bytes.last != 0x20
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    /// UTF-8 if valid, else ISO-8859-1 (each byte one scalar).
    private static func decodeText(_ bytes: ArraySlice<UInt8>) -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    static func lowercasedASCII(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static func trimmedASCII(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars[...]
        while let f = scalars.first, f == " " || f == "\t" { scalars = scalars.dropFirst() }
        while let l = scalars.last, l == " " || l == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
