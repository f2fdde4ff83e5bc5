import CZlib

/// zlib (RFC 1950) compression as used by the PDF `/FlateDecode` filter.
public enum FlateCodec {
    public enum Error: Swift.Error, Sendable, Equatable {
        case zlib(code: Int32)
    }

    /// Compresses `bytes` into a zlib stream (`level` 0…9, default best compression).
    /// Deterministic: the same input and level always give the same output.
    public static func compress(_ bytes: [UInt8], level: Int32 = 9) -> [UInt8] {
        var destLength = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(destLength))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &destLength, input.baseAddress, uLong(input.count), level)
            }
        }
        // compress2 with a compressBound-sized buffer can only fail on allocation failure.
        precondition(status == Z_OK, "zlib compress2 failed with code \(status)")
        output.removeSubrange(Int(destLength)...)
        return output
    }

    /// Inflates a zlib stream (used by tests and for reading streams back).
    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        var status = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Error.zlib(code: status) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        status = input.withUnsafeMutableBufferPointer { inBuf -> Int32 in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            var result: Int32 = Z_OK
            repeat {
                result = chunk.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    let r = inflate(&stream, Z_NO_FLUSH)
                    let produced = outBuf.count - Int(stream.avail_out)
                    output.append(contentsOf: outBuf[0..<produced])
                    return r
                }
            } while result == Z_OK
            return result
        }
        guard status == Z_STREAM_END else { throw Error.zlib(code: status) }
        return output
    }
}
