import Models

/// The parsed head of one request: offsets into the bytes it was parsed from.
struct RequestHead {
    var method: HTTPMethod
    /// The origin-form part of the target (path and query). For an absolute-form target
    /// (`http://host/path?q`) it starts at the path, after the authority.
    var targetStart: Int
    var targetEnd: Int
    /// An absolute-form target without a path (`http://host` or `http://host?q`): the path is "/".
    var emptyPath = false
    /// 0 for HTTP/1.0; 1 for HTTP/1.1 and any later 1.x (processed as 1.1, RFC 9112 §2.3).
    var minorVersion: Int
    var fields: [HTTPHeaders.Field]
    /// Bytes of the head including the blank line.
    var length: Int
    var contentLength: Int?
    var chunked = false
    var keepAlive = true
    var expectContinue = false
}

enum HeadParseResult {
    case incomplete(scanned: Int)
    case complete(RequestHead)
    case failure(APIError)
}

/// HTTP/1.1 request-head parser (RFC 9112), strict where leniency enables request smuggling:
/// no obs-fold, no space before the colon, one Content-Length, never both Content-Length and
/// Transfer-Encoding, only `chunked` as a transfer coding. Host is required on HTTP/1.1 and
/// allowed once (§3.2); an HTTP/1.0 message with Transfer-Encoding closes the connection after
/// it (§6.1). Every number is parsed with checked arithmetic.
enum HeadParser {
    static let maxFields = 100

    /// `buf` starts at the first byte of the request; `scanFrom` is where an earlier call
    /// stopped looking for the blank line, so a slow client costs linear work in total.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, scanFrom: Int, maxHeadBytes: Int) -> HeadParseResult {
        // Skip empty lines before the request line (RFC 9112 §2.2).
        var start = 0
        while start < buf.count, buf[start] == 13 || buf[start] == 10 { start += 1 }
        // Find the end of the head: LF CR? LF.
        var i = max(scanFrom, start)
        var end = -1
        while i < buf.count {
            if buf[i] == 10 {
                if i + 1 < buf.count, buf[i + 1] == 10 { end = i + 2; break }
                if i + 2 < buf.count, buf[i + 1] == 13, buf[i + 2] == 10 { end = i + 3; break }
                if i + 2 >= buf.count { break } // not enough bytes yet to decide
            }
            i += 1
        }
        if end < 0 {
            if buf.count > maxHeadBytes { return .failure(.headersTooLarge) }
            return .incomplete(scanned: max(start, i))
        }
        if end > maxHeadBytes { return .failure(.headersTooLarge) }
        return parseLines(buf, start: start, end: end)
    }

    private static func parseLines(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> HeadParseResult {
        let bad = HeadParseResult.failure(.badRequest("请求格式错误", code: "malformed_request"))
        // Request line: method SP target SP HTTP/1.x CRLF
        var p = start
        while p < end, isTokenChar(b[p]) { p += 1 }
        let methodLen = p - start
        guard methodLen > 0, p < end, b[p] == 32 else { return bad }
        guard let method = HTTPMethod.parse(b.baseAddress! + start, methodLen) else {
            // A token we do not serve: 501 for well-formed tokens.
            return .failure(APIError(501, "not_implemented", "不支持的请求方法"))
        }
        p += 1
        var targetStart = p
        while p < end, b[p] > 32, b[p] != 127 { p += 1 }
        let targetEnd = p
        guard targetEnd > targetStart, p < end, b[p] == 32 else { return bad }
        var emptyPath = false
        if b[targetStart] != 47 /* / */ && b[targetStart] != 42 /* * */ {
            // absolute-form (RFC 9112 §3.2.2): a server MUST accept it; route on its path.
            guard let pathStart = absoluteFormPath(b, targetStart, targetEnd) else { return bad }
            targetStart = pathStart
            emptyPath = pathStart == targetEnd || b[pathStart] == 63 /* ? */
        }
        p += 1
        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        guard p + 8 <= end, b[p] == 72, b[p+1] == 84, b[p+2] == 84, b[p+3] == 80, b[p+4] == 47,
              isDigit(b[p+5]), b[p+6] == 46, isDigit(b[p+7]) else { return bad }
        let major = Int(b[p+5] &- 48)
        let minor = Int(b[p+7] &- 48)
        // Another major version is not ours; any 1.x newer than 1.1 is processed as 1.1 (§2.3).
        guard major == 1 else {
            return .failure(APIError(505, "http_version_not_supported", "不支持的 HTTP 版本"))
        }
        p += 8
        if p < end, b[p] == 13 { p += 1 }
        guard p < end, b[p] == 10 else { return bad }
        p += 1

        var head = RequestHead(method: method, targetStart: targetStart, targetEnd: targetEnd,
                               minorVersion: min(minor, 1), fields: [], length: end)
        head.emptyPath = emptyPath
        head.keepAlive = minor >= 1
        head.fields.reserveCapacity(16)
        var sawTransferEncoding = false
        var hosts = 0
        while p < end {
            // Blank line ends the head.
            if b[p] == 10 { break }
            if b[p] == 13, p + 1 < end, b[p + 1] == 10 { break }
            if b[p] == 32 || b[p] == 9 { return bad } // obs-fold
            let nameStart = p
            while p < end, isTokenChar(b[p]) { p += 1 }
            guard p > nameStart, p < end, b[p] == 58 /* : */ else { return bad }
            let nameEnd = p
            p += 1
            while p < end, b[p] == 32 || b[p] == 9 { p += 1 }
            let valueStart = p
            while p < end, b[p] != 10 {
                let c = b[p]
                if c == 0 || (c < 32 && c != 9 && c != 13) || c == 127 { return bad }
                p += 1
            }
            guard p < end else { return bad }
            var valueEnd = p
            p += 1
            if valueEnd > valueStart, b[valueEnd - 1] == 13 { valueEnd -= 1 }
            while valueEnd > valueStart, b[valueEnd - 1] == 32 || b[valueEnd - 1] == 9 { valueEnd -= 1 }
            if head.fields.count >= maxFields { return .failure(.headersTooLarge) }
            guard let ns = Int32(exactly: nameStart), let ne = Int32(exactly: nameEnd),
                  let vs = Int32(exactly: valueStart), let ve = Int32(exactly: valueEnd) else { return .failure(.headersTooLarge) }
            head.fields.append(HTTPHeaders.Field(nameStart: ns, nameEnd: ne, valueStart: vs, valueEnd: ve))

            // Framing and connection headers are interpreted here, once.
            let nameLen = nameEnd - nameStart
            if nameLen == 14, eqLower(b, nameStart, "content-length") {
                guard let n = parseDecimal(b, valueStart, valueEnd) else { return bad }
                if let old = head.contentLength, old != n { return bad }
                head.contentLength = n
            } else if nameLen == 17, eqLower(b, nameStart, "transfer-encoding") {
                guard !sawTransferEncoding, valueEnd - valueStart == 7, eqLower(b, valueStart, "chunked") else {
                    return .failure(APIError(501, "not_implemented", "不支持的传输编码"))
                }
                sawTransferEncoding = true
                head.chunked = true
            } else if nameLen == 10, eqLower(b, nameStart, "connection") {
                if containsTokenLower(b, valueStart, valueEnd, "close") { head.keepAlive = false }
                else if containsTokenLower(b, valueStart, valueEnd, "keep-alive") { head.keepAlive = true }
            } else if nameLen == 6, eqLower(b, nameStart, "expect") {
                if valueEnd - valueStart == 12, eqLower(b, valueStart, "100-continue") { head.expectContinue = true }
            } else if nameLen == 4, eqLower(b, nameStart, "host") {
                // One Host, with a valid value (RFC 9112 §3.2: otherwise 400).
                hosts += 1
                guard hosts == 1, isValidHost(b, valueStart, valueEnd) else { return bad }
            }
        }
        if head.chunked && head.contentLength != nil { return bad }
        // An HTTP/1.1 request without Host is refused (RFC 9112 §3.2).
        if head.minorVersion >= 1 && hosts == 0 { return bad }
        // Transfer-Encoding in HTTP/1.0: the framing is suspect; close after it (RFC 9112 §6.1).
        if head.minorVersion == 0 && head.chunked { head.keepAlive = false }
        return .complete(head)
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// For `scheme://authority[path][?query]`, where the path starts (or the query, or
    /// `to` when neither is there); nil when the target is not an http(s) absolute URI.
    static func absoluteFormPath(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        var p = from
        if to - p >= 7, eqLower(b, p, "http://") { p += 7 }
        else if to - p >= 8, eqLower(b, p, "https://") { p += 8 }
        else { return nil }
        let authorityStart = p
        while p < to, b[p] != 47, b[p] != 63, b[p] != 35 { p += 1 }
        guard p > authorityStart, isValidHost(b, authorityStart, p), p == to || b[p] != 35 else { return nil }
        return p
    }

    /// uri-host [ ":" port ], loosely: the characters of reg-name, IP literals and port
    /// (RFC 3986 unreserved, sub-delims, pct-encoded, ":", "[", "]", and "@" is refused).
    /// Empty is allowed (RFC 9110 §7.2).
    static func isValidHost(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        var i = from
        while i < to {
            switch b[i] {
            case 48...57, 65...90, 97...122: break
            case 45, 46, 95, 126: break                                   // - . _ ~
            case 33, 36, 38, 39, 40, 41, 42, 43, 44, 59, 61: break        // sub-delims
            case 37, 58, 91, 93: break                                    // % : [ ]
            default: return false
            }
            i += 1
        }
        return true
    }

    @inline(__always) static func isTokenChar(_ c: UInt8) -> Bool {
        // RFC 9110 tchar
        switch c {
        case 48...57, 65...90, 97...122: return true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: return true
        default: return false
        }
    }

    static func eqLower(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ s: StaticString) -> Bool {
        let q = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount where asciiLower(b[at + i]) != q[i] { return false }
        return true
    }

    static func containsTokenLower(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        var i = from
        while i + n <= to {
            if eqLower(b, i, s) { return true }
            i += 1
        }
        return false
    }

    /// Largest Content-Length taken (18 digits): anything longer is refused as malformed.
    static let maxDecimal = 999_999_999_999_999_999

    /// 1*DIGIT as a non-negative Int up to `maxDecimal`; nil for anything else (checked
    /// arithmetic: many digits are a 400, never a trap).
    static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        guard to > from else { return nil }
        var n = 0
        for i in from..<to {
            let c = b[i]
            guard isDigit(c) else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c &- 48))
            guard !o1 && !o2, s <= maxDecimal else { return nil }
            n = s
        }
        return n
    }
}
