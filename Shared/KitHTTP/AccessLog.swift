#if canImport(Glibc)
import Glibc
#endif

/// One JSON line per request on stdout, buffered per event loop (no lock, no syscall per
/// request) and flushed in whole lines at most every 200 ms or 32 KiB. Paths are logged
/// without their query string, so tokens in links never reach the log.
struct AccessLog {
    private(set) var buffer: [UInt8] = []
    var enabled: Bool
    var lastFlush: UInt64 = 0

    init(enabled: Bool) {
        self.enabled = enabled
        buffer.reserveCapacity(64 * 1024)
    }

    mutating func append(second: [UInt8], millis: UInt64, requestID: String, client: String, method: HTTPMethod,
                         path: UnsafeBufferPointer<UInt8>?, pathString: String?, status: Int, bytes: Int, micros: UInt64) {
        guard enabled else { return }
        buffer.append(contentsOf: #"{"ts":""#.utf8)
        buffer.append(contentsOf: second)
        buffer.append(46) // .
        appendPadded(Int(millis % 1000), 3)
        buffer.append(contentsOf: #"+08:00","rid":""#.utf8)
        appendEscaped(requestID.utf8)
        buffer.append(contentsOf: #"","ip":""#.utf8)
        appendEscaped(client.utf8)
        buffer.append(contentsOf: #"","method":""#.utf8)
        buffer.append(contentsOf: method.rawValue.utf8)
        buffer.append(contentsOf: #"","path":""#.utf8)
        if let p = path { appendEscaped(p) } else if let s = pathString { appendEscaped(s.utf8) }
        buffer.append(contentsOf: #"","status":"#.utf8)
        appendInt(status)
        buffer.append(contentsOf: #","bytes":"#.utf8)
        appendInt(bytes)
        buffer.append(contentsOf: #","us":"#.utf8)
        appendInt(Int(micros))
        buffer.append(contentsOf: "}\n".utf8)
    }

    var needsFlush: Bool { buffer.count >= 32 * 1024 }

    /// Writes whole lines in chunks of at most PIPE_BUF so that lines of two loops never mix.
    mutating func flush(now: UInt64) {
        lastFlush = now
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { b in
            var start = 0
            while start < b.count {
                var end = min(b.count, start + 4096)
                if end < b.count {
                    var e = end
                    while e > start, b[e - 1] != 10 { e -= 1 }
                    if e > start { end = e }
                }
                var off = start
                while off < end {
                    let n = write(1, b.baseAddress! + off, end - off)
                    if n < 0 { if errno == EINTR { continue }; off = end; break }
                    off += n
                }
                start = end
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func appendEscaped<S: Sequence>(_ s: S) where S.Element == UInt8 {
        for c in s {
            switch c {
            case 34: buffer.append(92); buffer.append(34)
            case 92: buffer.append(92); buffer.append(92)
            case 0..<32, 127: buffer.append(63) // '?'
            default: buffer.append(c)
            }
        }
    }

    private mutating func appendInt(_ v: Int) {
        if v < 0 { buffer.append(45); appendInt(-v); return }
        if v >= 10 { appendInt(v / 10) }
        buffer.append(UInt8(48 + v % 10))
    }

    private mutating func appendPadded(_ v: Int, _ width: Int) {
        var div = 1
        for _ in 1..<width { div *= 10 }
        var v = v
        while div > 0 { buffer.append(UInt8(48 + (v / div) % 10)); v %= div; div /= 10 }
    }
}
