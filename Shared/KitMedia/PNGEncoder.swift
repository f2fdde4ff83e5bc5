import CZlib

/// Minimal PNG writer: 8-bit truecolour (colour type 2), no interlace, filter type 0 on every row,
/// one IDAT compressed with zlib's `compress2`, chunk CRCs from zlib's `crc32`.
public enum PNGEncoder {
    /// Encodes `pixels` (row-major RGB triplets, `width * height * 3` bytes) as a PNG file.
    /// Precondition: width and height in 1...0x7FFF_FFFF and `pixels.count == width * height * 3`.
    public static func encodeRGB(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && width <= 0x7FFF_FFFF && height <= 0x7FFF_FFFF,
                     "PNGEncoder: bad dimensions \(width)x\(height)")
        let rowBytes = width * 3
        precondition(pixels.count == rowBytes * height, "PNGEncoder: expected \(rowBytes * height) bytes, got \(pixels.count)")

        // Scanlines: a filter-type byte (0 = None) before every row.
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        raw.withUnsafeMutableBufferPointer { dst in
            pixels.withUnsafeBufferPointer { src in
                for y in 0..<height {
                    let d = dst.baseAddress! + y * (rowBytes + 1) + 1
                    d.update(from: src.baseAddress! + y * rowBytes, count: rowBytes)
                }
            }
        }

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        appendBE32(&ihdr, UInt32(width))
        appendBE32(&ihdr, UInt32(height))
        ihdr += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, filter method 0, no interlace
        appendChunk(&out, "IHDR", ihdr)
        appendChunk(&out, "IDAT", zlibCompress(raw, level: 9))
        appendChunk(&out, "IEND", [])
        return out
    }

    // MARK: - helpers (internal so the sniffer and tests can share them)

    static func crc32(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { p in
            UInt32(CZlib.crc32(uLong(seed), p.baseAddress, uInt(p.count)))
        }
    }

    static func crc32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        UInt32(CZlib.crc32(uLong(seed), bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), uInt(bytes.count)))
    }

    private static func zlibCompress(_ data: [UInt8], level: Int32) -> [UInt8] {
        var destLen = compressBound(uLong(data.count))
        var dest = [UInt8](repeating: 0, count: Int(destLen))
        let result = dest.withUnsafeMutableBufferPointer { d in
            data.withUnsafeBufferPointer { s in
                compress2(d.baseAddress, &destLen, s.baseAddress, uLong(s.count), level)
            }
        }
        precondition(result == Z_OK, "PNGEncoder: compress2 failed (\(result))")
        dest.removeSubrange(Int(destLen)...)
        return dest
    }

    private static func appendBE32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    private static func appendChunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        appendBE32(&out, UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        out += typeAndData
        appendBE32(&out, crc32(typeAndData))
    }
}
