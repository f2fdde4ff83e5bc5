import Models

/// The parsed head of one request: offsets into the bytes it was parsed from.
struct RequestHead {
    var method: HTTPMethod
    var targetStart: Int
    var targetEnd: Int
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
/// Transfer-Encoding, only `chunked` as a transfer coding.
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
        let targetStart = p
        while p < end, b[p] > 32, b[p] != 127 { p += 1 }
        let targetEnd = p
        guard targetEnd > targetStart, p < end, b[p] == 32, b[targetStart] == 47 /* / */ || b[targetStart] == 42 /* * */ else { return bad }
        p += 1
        // "HTTP/1.1" or "HTTP/1.0"
        guard p + 8 <= end, b[p] == 72, b[p+1] == 84, b[p+2] == 84, b[p+3] == 80, b[p+4] == 47, b[p+5] == 49, b[p+6] == 46 else { return bad }
        let minor = Int(b[p+7]) - 48
        guard minor == 0 || minor == 1 else {
            return .failure(APIError(505, "http_version_not_supported", "不支持的 HTTP 版本"))
        }
        p += 8
        if p < end, b[p] == 13 { p += 1 }
        guard p < end, b[p] == 10 else { return bad }
        p += 1

        var head = RequestHead(method: method, targetStart: targetStart, targetEnd: targetEnd,
                               minorVersion: minor, fields: [], length: end)
        head.keepAlive = minor == 1
        head.fields.reserveCapacity(16)
        var sawTransferEncoding = false
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
            let field = HTTPHeaders.Field(nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                                          valueStart: Int32(valueStart), valueEnd: Int32(valueEnd))
            head.fields.append(field)

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
            }
        }
        if head.chunked && head.contentLength != nil { return bad }
        return .complete(head)
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

    static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        guard to > from, to - from <= 15 else { return nil }
        var n = 0
        for i in from..<to {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            n = n * 10 + Int(c - 48)
        }
        return n
    }
}
