import CZlib

/// gzip (RFC 1952) compression and decompression through the system zlib.
public enum Gzip {
    /// Compresses `data` into a single gzip member (zlib `deflateInit2`, windowBits 31, memLevel 8).
    /// `level` is clamped to 0...9 (-1 selects zlib's default, 6).
    public static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        let lvl = level == Z_DEFAULT_COMPRESSION ? level : max(0, min(9, level))
        return ZlibStream.deflate(data, level: lvl, windowBits: 31) ?? []
    }

    /// Decompresses gzip data. Concatenated members (as `cat a.gz b.gz` produces) are decoded one
    /// after the other, as gunzip does. Returns nil for empty input, a bad header, a corrupt stream,
    /// a CRC/length mismatch, a truncated stream or bytes after the last member that are not another member.
    public static func decompress(_ data: [UInt8]) -> [UInt8]? {
        decompress(data, maxOutputBytes: Int.max)
    }

    /// As `decompress(_:)`, but gives up (returns nil) once the output would exceed `maxOutputBytes`:
    /// use it on untrusted input to defuse "gzip bombs".
    public static func decompress(_ data: [UInt8], maxOutputBytes: Int) -> [UInt8]? {
        guard data.count >= 18, data[0] == 0x1F, data[1] == 0x8B else { return nil }
        return ZlibStream.inflate(data, windowBits: 31, multiMember: true, maxOutputBytes: maxOutputBytes)
    }
}

/// Thin streaming wrappers over zlib's deflate/inflate (internal; shared by Gzip and the tests).
enum ZlibStream {
    private static let chunk = 64 * 1024
    private static let maxFeed = 1 << 30  // avail_in is a 32-bit uInt

    /// windowBits: 15 zlib, -15 raw, 31 gzip.
    static func deflate(_ input: [UInt8], level: Int32, windowBits: Int32) -> [UInt8]? {
        var stream = z_stream()
        let initResult = deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { return nil }
        defer { deflateEnd(&stream) }

        var output: [UInt8] = []
        output.reserveCapacity(Int(deflateBound(&stream, uLong(min(input.count, Int(UInt32.max))))) + 32)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var ok = true
        input.withUnsafeBufferPointer { inPtr in
            var offset = 0
            while true {
                let feed = min(maxFeed, input.count - offset)
                let flush = offset + feed == input.count ? Z_FINISH : Z_NO_FLUSH
                stream.next_in = UnsafeMutablePointer(mutating: inPtr.baseAddress.map { $0 + offset })
                stream.avail_in = uInt(feed)
                var result: Int32 = Z_OK
                repeat {
                    let produced: Int = buffer.withUnsafeMutableBufferPointer { outPtr in
                        stream.next_out = outPtr.baseAddress
                        stream.avail_out = uInt(outPtr.count)
                        result = CZlib.deflate(&stream, flush)
                        return outPtr.count - Int(stream.avail_out)
                    }
                    if result == Z_STREAM_ERROR { ok = false; return }
                    output.append(contentsOf: buffer[0..<produced])
                } while stream.avail_out == 0 || (flush == Z_FINISH && result != Z_STREAM_END)
                offset += feed
                if flush == Z_FINISH { return }
            }
        }
        return ok ? output : nil
    }

    /// windowBits: 15 zlib, -15 raw, 31 gzip, 47 auto-detect zlib/gzip.
    static func inflate(_ input: [UInt8], windowBits: Int32, multiMember: Bool = false,
                        maxOutputBytes: Int = Int.max) -> [UInt8]? {
        guard !input.isEmpty else { return nil }
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        return input.withUnsafeBufferPointer { inPtr -> [UInt8]? in
            var offset = 0
            while true {
                // One zlib/gzip member.
                var ended = false
                while !ended {
                    if stream.avail_in == 0 {
                        let feed = min(maxFeed, input.count - offset)
                        if feed == 0 { return nil }  // truncated
                        stream.next_in = UnsafeMutablePointer(mutating: inPtr.baseAddress! + offset)
                        stream.avail_in = uInt(feed)
                        offset += feed
                    }
                    var result: Int32 = Z_OK
                    let produced: Int = buffer.withUnsafeMutableBufferPointer { outPtr in
                        stream.next_out = outPtr.baseAddress
                        stream.avail_out = uInt(outPtr.count)
                        result = CZlib.inflate(&stream, Z_NO_FLUSH)
                        return outPtr.count - Int(stream.avail_out)
                    }
                    switch result {
                    case Z_OK, Z_BUF_ERROR:
                        if result == Z_BUF_ERROR && produced == 0 && stream.avail_in != 0 { return nil }
                    case Z_STREAM_END:
                        ended = true
                    default:
                        return nil  // Z_DATA_ERROR, Z_NEED_DICT, Z_MEM_ERROR …
                    }
                    if produced > maxOutputBytes - output.count { return nil }
                    output.append(contentsOf: buffer[0..<produced])
                }
                let consumed = offset - Int(stream.avail_in)
                if consumed == input.count { return output }
                guard multiMember, input.count - consumed >= 2,
                      input[consumed] == 0x1F, input[consumed + 1] == 0x8B,
                      inflateReset(&stream) == Z_OK else { return nil }
            }
        }
    }
}
