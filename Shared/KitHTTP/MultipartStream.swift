#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `MultipartStreamParser` reports, in body order.
public enum MultipartStreamEvent {
    /// A part starts; its `body` range is empty (the content follows as `data`).
    case part(MultipartPart)
    /// Content of the current part (a slice of the parser's buffer, valid during the call only).
    case data(ArraySlice<UInt8>)
    /// The current part's content is complete.
    case partEnd
}

/// multipart/form-data parsed as the body arrives, with bounded memory: the same grammar and
/// limits as `Multipart.parse` (delimiters, lenient non-delimiter matches, header blocks of at
/// most `Multipart.maxHeaderBytes`, `maxParts`), but a part's content is handed on as it comes
/// instead of kept. Held back at most: a header block, a preamble of `maxPreambleBytes`, and
/// the few bytes at a chunk's end that could start a delimiter.
///
/// Differences from `Multipart.parse`, for bounded buffering: a preamble longer than
/// `maxPreambleBytes`, and white space after a delimiter longer than `Multipart.maxHeaderBytes`,
/// are malformed.
public struct MultipartStreamParser {
    public static let maxPreambleBytes = 64 * 1024

    enum State { case preamble, headers, body, epilogue }

    private let dashBoundary: [UInt8]
    private let delimiter: [UInt8]
    private let maxParts: Int
    private var state = State.preamble
    private var buf: [UInt8] = []
    /// Body state: where the part's content starts in `buf` (the delimiter search starts at 0:
    /// the blank line's last CRLF may be the delimiter's own).
    private var dataStart = 0
    /// Preamble and header states: where the next search in `buf` starts (what precedes it was
    /// searched already), so a body trickling in byte by byte is not searched again from its
    /// start on every piece (quadratic work on 64 KiB of preamble). Reset when bytes are dropped.
    private var scanFrom = 0
    private var parts = 0
    private var sawBytes = false

    public init(boundary: String, maxParts: Int = 20) throws {
        guard Multipart.isValidBoundary(boundary) else { throw MultipartError.missingBoundary }
        dashBoundary = [0x2D, 0x2D] + Array(boundary.utf8)
        delimiter = [0x0D, 0x0A] + dashBoundary
        self.maxParts = maxParts
    }

    /// True once the close delimiter has been read (what follows is epilogue, ignored).
    public var isComplete: Bool { state == .epilogue }

    /// Parses the next bytes of the body, reporting events to `sink`.
    public mutating func feed<C: Collection>(_ bytes: C, _ sink: (MultipartStreamEvent) throws -> Void) throws where C.Element == UInt8 {
        if state == .epilogue || bytes.isEmpty { return }
        sawBytes = true
        buf.append(contentsOf: bytes)
        try process(final: false, sink)
    }

    /// The body ended: throws unless the close delimiter was seen.
    public mutating func finish(_ sink: (MultipartStreamEvent) throws -> Void) throws {
        if state == .epilogue { return }
        guard sawBytes else { throw MultipartError.malformed("empty body") }
        try process(final: true, sink)
        switch state {
        case .epilogue: return
        case .preamble: throw MultipartError.malformed("no opening boundary")
        case .headers: throw MultipartError.malformed("part \(parts + 1): unterminated header block")
        case .body: throw MultipartError.malformed("part \(parts): missing closing boundary")
        }
    }

    enum LineEnd { case delimiter(close: Bool, next: Int), none, needMore }

    /// What follows `--boundary` at `p`: `--` (close), optional white space and CRLF, or neither.
    private func lineEnd(after p: Int, final: Bool) throws -> LineEnd {
        let count = buf.count
        if p + 2 <= count && buf[p] == 0x2D && buf[p + 1] == 0x2D { return .delimiter(close: true, next: p + 2) }
        var q = p
        while q < count && (buf[q] == 0x20 || buf[q] == 0x09) {
            q += 1
            if q - p > Multipart.maxHeaderBytes { throw MultipartError.malformed("white space after a boundary too long") }
        }
        if q + 2 <= count && buf[q] == 0x0D && buf[q + 1] == 0x0A { return .delimiter(close: false, next: q + 2) }
        if final { return .none }
        // Not decidable yet: the bytes that would decide have not arrived.
        if q == count || (q + 1 == count && buf[q] == 0x0D) || (p + 1 == count && q == p && buf[p] == 0x2D) { return .needMore }
        return .none
    }

    /// First index of `pattern` in buf[from...], or nil.
    private func find(_ pattern: [UInt8], from: Int, limit: Int? = nil) -> Int? {
        let count = min(buf.count, limit ?? buf.count)
        let m = pattern.count
        guard m > 0, from >= 0 else { return nil }
        return buf.withUnsafeBufferPointer { b -> Int? in
            guard let base = b.baseAddress else { return nil }
            var pos = from
            while pos + m <= count {
                guard let hit = memchr(base + pos, Int32(pattern[0]), count - m - pos + 1) else { return nil }
                let i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if memcmp(base + i, pattern, m) == 0 { return i }
                pos = i + 1
            }
            return nil
        }
    }

    /// Drops the first `n` bytes of the buffer (what has been handed on or skipped).
    private mutating func drop(_ n: Int) {
        guard n > 0 else { return }
        if n >= buf.count { buf.removeAll(keepingCapacity: true) } else { buf.removeFirst(n) }
        dataStart = max(0, dataStart - n)
        scanFrom = 0
    }

    private mutating func process(final: Bool, _ sink: (MultipartStreamEvent) throws -> Void) throws {
        while true {
            switch state {
            case .epilogue:
                buf.removeAll()
                return
            case .preamble:
                guard try openingDelimiter(final: final) else { return }
            case .headers:
                guard try headerBlock(final: final, sink) else { return }
            case .body:
                guard try content(final: final, sink) else { return }
            }
        }
    }

    /// Finds the opening delimiter: at offset 0, or after a preamble. False when more bytes are needed.
    private mutating func openingDelimiter(final: Bool) throws -> Bool {
        var startsWithDash = buf.count >= dashBoundary.count && buf.starts(with: dashBoundary)
        if !startsWithDash && !final && buf.count < dashBoundary.count && dashBoundary.starts(with: buf) { return false }
        if startsWithDash {
            switch try lineEnd(after: dashBoundary.count, final: final) {
            case .delimiter(let close, let next): return open(close: close, next: next)
            case .needMore: return false
            case .none: startsWithDash = false
            }
        }
        var from = scanFrom
        while let hit = find(delimiter, from: from) {
            switch try lineEnd(after: hit + delimiter.count, final: final) {
            case .delimiter(let close, let next): return open(close: close, next: next)
            case .needMore: scanFrom = hit; return false
            case .none: from = hit + 1
            }
        }
        if buf.count > MultipartStreamParser.maxPreambleBytes { throw MultipartError.malformed("no opening boundary") }
        // No delimiter starts before the last `delimiter.count - 1` bytes, nor at a ruled-out hit.
        scanFrom = max(from, buf.count - (delimiter.count - 1))
        return false
    }

    private mutating func open(close: Bool, next: Int) -> Bool {
        drop(next)
        state = close ? .epilogue : .headers
        return true
    }

    /// Reads a part's header block. False when more bytes are needed.
    private mutating func headerBlock(final: Bool, _ sink: (MultipartStreamEvent) throws -> Void) throws -> Bool {
        guard parts < maxParts else { throw MultipartError.tooManyParts(maxParts) }
        if buf.count >= 2 && buf[0] == 0x0D && buf[1] == 0x0A {
            // No header at all: no Content-Disposition, which every part needs.
            throw MultipartError.malformed("part \(parts + 1): missing Content-Disposition")
        }
        let limit = Multipart.maxHeaderBytes + 4
        guard let blank = find([0x0D, 0x0A, 0x0D, 0x0A], from: scanFrom, limit: limit) else {
            if buf.count >= limit { throw MultipartError.headerTooLarge }
            scanFrom = max(0, buf.count - 3)
            return false
        }
        let headers = try buf.withUnsafeBufferPointer { b in
            try Multipart.parseHeaders(UnsafeBufferPointer(rebasing: b[0..<blank]), part: parts + 1)
        }
        parts += 1
        let part = try Multipart.makePart(headers: headers, body: 0..<0, part: parts)
        try sink(.part(part))
        // The blank line's second CRLF may be the delimiter's own (an empty part): search from it.
        drop(blank + 2)
        dataStart = 2
        state = .body
        return true
    }

    /// Hands on a part's content up to its delimiter. False when more bytes are needed.
    private mutating func content(final: Bool, _ sink: (MultipartStreamEvent) throws -> Void) throws -> Bool {
        var from = 0
        while let hit = find(delimiter, from: from) {
            switch try lineEnd(after: hit + delimiter.count, final: final) {
            case .delimiter(let close, let next):
                if hit > dataStart { try sink(.data(buf[dataStart..<hit])) }
                try sink(.partEnd)
                drop(next)
                state = close ? .epilogue : .headers
                return true
            case .needMore:
                // Undecided until more arrives: hand on what precedes it, keep it.
                if hit > dataStart { try sink(.data(buf[dataStart..<hit])) }
                drop(hit)
                return false
            case .none:
                from = hit + 1
            }
        }
        if final { return false }
        // Every delimiter starting before `keep` was ruled out; one may still start after it.
        let keep = max(0, buf.count - (delimiter.count - 1))
        if keep > dataStart { try sink(.data(buf[dataStart..<keep])) }
        drop(keep)
        return false
    }
}
