import Models

/// Incremental decoder of a chunked request body (RFC 9112 §7.1). Fed whatever bytes have
/// arrived; appends data to `body`; reports how many input bytes it consumed.
struct ChunkedDecoder {
    enum State { case size, sizeExt, sizeLF, data, dataCR, dataLF, trailer, trailerLF, done }
    enum Outcome { case needMore, done, failure(APIError) }

    var state = State.size
    var remaining = 0
    var sizeDigits = 0
    var trailerLineLength = 0
    var trailerBytes = 0
    var extensionBytes = 0
    /// Longest chunk extension (`;name=value…`) accepted on one size line.
    static let maxExtensionBytes = 4096

    /// Decodes from `buf`, appending payload to `body` (which must stay ≤ `limit`).
    mutating func decode(_ buf: UnsafeBufferPointer<UInt8>, consumed: inout Int, body: inout [UInt8], limit: Int) -> Outcome {
        let bad = Outcome.failure(.badRequest("分块编码格式错误", code: "malformed_request"))
        var i = 0
        defer { consumed = i }
        while i < buf.count {
            let c = buf[i]
            switch state {
            case .size:
                if let v = hexValue(c) {
                    // At most 15 hex digits (< 2⁶⁰), and checked arithmetic besides: a chunk size never traps.
                    sizeDigits += 1
                    if sizeDigits > 15 { return bad }
                    let (shifted, o1) = remaining.multipliedReportingOverflow(by: 16)
                    let (next, o2) = shifted.addingReportingOverflow(v)
                    if o1 || o2 { return bad }
                    remaining = next
                    i += 1
                } else if c == 59 /* ; */ && sizeDigits > 0 {
                    state = .sizeExt; extensionBytes = 0; i += 1
                } else if c == 13 && sizeDigits > 0 {
                    state = .sizeLF; i += 1
                } else if c == 10 && sizeDigits > 0 {
                    i += 1
                    if !afterSize(&body, limit: limit) { return .failure(.payloadTooLarge) }
                } else { return bad }
            case .sizeExt:
                if c == 10 {
                    i += 1
                    if !afterSize(&body, limit: limit) { return .failure(.payloadTooLarge) }
                } else if c == 13 { state = .sizeLF; i += 1 }
                else {
                    // Extensions are ignored, but not without end: a size line may not grow forever.
                    extensionBytes += 1
                    if extensionBytes > ChunkedDecoder.maxExtensionBytes { return bad }
                    i += 1
                }
            case .sizeLF:
                guard c == 10 else { return bad }
                i += 1
                if !afterSize(&body, limit: limit) { return .failure(.payloadTooLarge) }
            case .data:
                let n = min(remaining, buf.count - i)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<(i + n)]))
                i += n
                remaining -= n
                if remaining == 0 { state = .dataCR }
            case .dataCR:
                if c == 13 { state = .dataLF; i += 1 }
                else if c == 10 { state = .size; sizeDigits = 0; i += 1 }
                else { return bad }
            case .dataLF:
                guard c == 10 else { return bad }
                state = .size; sizeDigits = 0; i += 1
            case .trailer:
                i += 1
                trailerBytes += 1
                if trailerBytes > 8192 { return .failure(.headersTooLarge) }
                if c == 10 {
                    if trailerLineLength == 0 { state = .done; return .done }
                    trailerLineLength = 0
                } else if c != 13 {
                    trailerLineLength += 1
                }
            case .trailerLF, .done:
                return .done
            }
        }
        return state == .done ? .done : .needMore
    }

    private mutating func afterSize(_ body: inout [UInt8], limit: Int) -> Bool {
        if remaining == 0 { state = .trailer; trailerLineLength = 0; return true }
        // Subtraction instead of `body.count + remaining`, which a hostile size could push past Int.max.
        if remaining > limit - body.count { return false }
        // Reserve for what has arrived, not for what the size line claims: a client that declares a huge chunk
        // and sends nothing must not make the server allocate it (at most 1 MiB ahead).
        body.reserveCapacity(body.count + min(remaining, 1 << 20))
        state = .data
        return true
    }

    @inline(__always) private func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 65...70: return Int(c - 55)
        case 97...102: return Int(c - 87)
        default: return nil
        }
    }
}
