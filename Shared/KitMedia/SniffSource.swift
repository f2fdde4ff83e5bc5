import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to the bytes being sniffed: an in-memory buffer or a file read on demand.
protocol SniffSource {
    var count: Int { get }
    /// The bytes in offset ..< offset + length, clipped to the end (fewer, possibly none, near the end).
    func read(_ offset: Int, _ length: Int) throws -> [UInt8]
    /// Calls `body` with consecutive windows of offset ..< count, each starting `overlap` bytes before the
    /// previous one ended, with the window's absolute offset; `body` returns false to stop early.
    func scan(from offset: Int, overlap: Int, _ body: (UnsafeRawBufferPointer, Int) -> Bool) throws
}

extension SniffSource {
    func byte(_ offset: Int) throws -> UInt8? {
        let b = try read(offset, 1)
        return b.first
    }
    func le16(_ offset: Int) throws -> Int? {
        let b = try read(offset, 2)
        return b.count == 2 ? Int(b[0]) | Int(b[1]) << 8 : nil
    }
    func be16(_ offset: Int) throws -> Int? {
        let b = try read(offset, 2)
        return b.count == 2 ? Int(b[0]) << 8 | Int(b[1]) : nil
    }
    func le32(_ offset: Int) throws -> UInt32? {
        let b = try read(offset, 4)
        guard b.count == 4 else { return nil }
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }
    func be32(_ offset: Int) throws -> UInt32? {
        let b = try read(offset, 4)
        guard b.count == 4 else { return nil }
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    /// Offset of the first occurrence of `pattern` at or after `offset`, or nil.
    func firstIndex(of pattern: [UInt8], from offset: Int = 0) throws -> Int? {
        var found: Int?
        try scan(from: offset, overlap: pattern.count - 1) { window, base in
            if let i = SniffSearch.find(pattern, in: window) { found = base + i; return false }
            return true
        }
        return found
    }
}

/// The whole file is already in memory.
struct MemorySource: SniffSource {
    let bytes: [UInt8]
    var count: Int { bytes.count }

    func read(_ offset: Int, _ length: Int) -> [UInt8] {
        let lo = max(0, min(offset, bytes.count)), hi = max(lo, min(bytes.count, offset + max(0, length)))
        return Array(bytes[lo..<hi])
    }

    func scan(from offset: Int, overlap: Int, _ body: (UnsafeRawBufferPointer, Int) -> Bool) {
        let lo = max(0, min(offset, bytes.count))
        bytes.withUnsafeBytes { raw in
            _ = body(UnsafeRawBufferPointer(rebasing: raw[lo...]), lo)
        }
    }
}

/// A regular file read with pread: a 64 KiB window cache serves the head, the tail and sequential
/// block walks; `scan` streams the file in 1 MiB windows, so memory stays bounded for any size.
final class FileSource: SniffSource {
    let count: Int
    private let fd: Int32
    private var cacheStart = 0
    private var cache: [UInt8] = []
    private static let window = 64 * 1024
    private static let scanWindow = 1 << 20

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSource.posixError() }
        var st = stat()
        guard fstat(fd, &st) == 0 else { let e = FileSource.posixError(); close(fd); throw e }
        let type = st.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(fd)
            throw POSIXError(type == S_IFDIR ? .EISDIR : .EINVAL)
        }
        self.fd = fd
        self.count = Int(st.st_size)
    }

    deinit { close(fd) }

    func read(_ offset: Int, _ length: Int) throws -> [UInt8] {
        let lo = max(0, min(offset, count)), hi = max(lo, min(count, offset + max(0, length)))
        if lo == hi { return [] }
        if lo >= cacheStart && hi <= cacheStart + cache.count {
            return Array(cache[(lo - cacheStart)..<(hi - cacheStart)])
        }
        if hi - lo > FileSource.window { return try readAt(lo, hi - lo) }
        // Refill the window so that it covers lo..<hi, reaching forwards (sequential walks)
        // unless that would run past the end (tail reads).
        let start = max(0, min(lo, count - FileSource.window))
        cache = try readAt(start, min(FileSource.window, count - start))
        cacheStart = start
        let a = min(lo - start, cache.count), b = min(hi - start, cache.count)
        return Array(cache[a..<b])
    }

    func scan(from offset: Int, overlap: Int, _ body: (UnsafeRawBufferPointer, Int) -> Bool) throws {
        var pos = max(0, offset)
        while pos < count {
            let chunk = try readAt(pos, min(FileSource.scanWindow, count - pos))
            if chunk.isEmpty { return }
            let goOn = chunk.withUnsafeBytes { body($0, pos) }
            if !goOn || pos + chunk.count >= count { return }
            pos += max(1, chunk.count - overlap)
        }
    }

    private func readAt(_ offset: Int, _ length: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: length)
        var done = 0
        try buffer.withUnsafeMutableBytes { raw in
            while done < length {
                let n = pread(fd, raw.baseAddress! + done, length - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileSource.posixError()
                }
                if n == 0 { break }  // the file shrank
                done += n
            }
        }
        if done < length { buffer.removeSubrange(done...) }
        return buffer
    }

    private static func posixError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}

/// Byte-pattern search helpers (memchr + memcmp).
enum SniffSearch {
    /// First offset of `pattern` in `window` (memchr on the first byte, then memcmp; the patterns used here
    /// are short, so this stays linear in practice).
    static func find(_ pattern: [UInt8], in window: UnsafeRawBufferPointer) -> Int? {
        guard !pattern.isEmpty, window.count >= pattern.count, let base = window.baseAddress else { return nil }
        return pattern.withUnsafeBytes { p -> Int? in
            let needle = p.baseAddress!, first = Int32(pattern[0])
            let last = window.count - pattern.count
            var pos = 0
            while pos <= last {
                guard let hit = memchr(base + pos, first, last - pos + 1) else { return nil }
                let i = UnsafeRawPointer(hit) - base
                if memcmp(base + i, needle, pattern.count) == 0 { return i }
                pos = i + 1
            }
            return nil
        }
    }

    static func lastIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count, !pattern.isEmpty else { return nil }
        var i = bytes.count - pattern.count
        while i >= 0 {
            if bytes[i] == pattern[0] && Array(bytes[i..<(i + pattern.count)]) == pattern { return i }
            i -= 1
        }
        return nil
    }

    /// ASCII case-insensitive occurrences of `pattern` (given in lower case) in `window`; calls `body`
    /// with the offset just past each match until it returns false.
    static func forEachCaseInsensitive(_ pattern: [UInt8], in window: UnsafeRawBufferPointer,
                                       _ body: (Int) -> Bool) {
        guard !pattern.isEmpty, window.count >= pattern.count, let base = window.baseAddress else { return }
        let first = Int32(pattern[0])
        var pos = 0
        let last = window.count - pattern.count
        while pos <= last {
            guard let hit = memchr(base + pos, first, last - pos + 1) else { return }
            let i = UnsafeRawPointer(hit) - base
            var ok = true
            for k in 1..<pattern.count {
                var c = window[i + k]
                if c >= 0x41 && c <= 0x5A { c |= 0x20 }
                if c != pattern[k] { ok = false; break }
            }
            if ok && !body(i + pattern.count) { return }
            pos = i + 1
        }
    }
}
