/// Big-endian readers and writers for the sfnt (TrueType) format.
struct BigEndianReader {
    let bytes: [UInt8]

    @inline(__always) func u8(_ offset: Int) throws -> UInt8 {
        guard offset >= 0, offset < bytes.count else { throw TrueTypeFont.Error.invalidFont("read past end at \(offset)") }
        return bytes[offset]
    }

    @inline(__always) func u16(_ offset: Int) throws -> UInt16 {
        guard offset >= 0, offset + 2 <= bytes.count else { throw TrueTypeFont.Error.invalidFont("read past end at \(offset)") }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inline(__always) func i16(_ offset: Int) throws -> Int16 { Int16(bitPattern: try u16(offset)) }

    @inline(__always) func u32(_ offset: Int) throws -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { throw TrueTypeFont.Error.invalidFont("read past end at \(offset)") }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    func tag(_ offset: Int) throws -> String {
        guard offset >= 0, offset + 4 <= bytes.count else { throw TrueTypeFont.Error.invalidFont("read past end at \(offset)") }
        return String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
    }
}

/// Unchecked big-endian accessors for hot paths whose bounds were validated at parse time.
extension Array where Element == UInt8 {
    @inline(__always) func beU16(_ offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inline(__always) func beU32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }

    @inline(__always) mutating func appendBE(_ v: UInt16) {
        append(UInt8(v >> 8)); append(UInt8(v & 0xFF))
    }

    @inline(__always) mutating func appendBE(_ v: Int16) { appendBE(UInt16(bitPattern: v)) }

    @inline(__always) mutating func appendBE(_ v: UInt32) {
        append(UInt8(v >> 24)); append(UInt8((v >> 16) & 0xFF)); append(UInt8((v >> 8) & 0xFF)); append(UInt8(v & 0xFF))
    }

    @inline(__always) mutating func setBE(_ v: UInt16, at offset: Int) {
        self[offset] = UInt8(v >> 8); self[offset + 1] = UInt8(v & 0xFF)
    }

    @inline(__always) mutating func setBE(_ v: UInt32, at offset: Int) {
        self[offset] = UInt8(v >> 24); self[offset + 1] = UInt8((v >> 16) & 0xFF)
        self[offset + 2] = UInt8((v >> 8) & 0xFF); self[offset + 3] = UInt8(v & 0xFF)
    }
}

/// The sfnt table checksum: the sum of big-endian UInt32 words, zero-padded to 4 bytes.
func sfntChecksum<C: Collection>(_ data: C) -> UInt32 where C.Element == UInt8 {
    var sum: UInt32 = 0
    var word: UInt32 = 0
    var n = 0
    for b in data {
        word = word << 8 | UInt32(b)
        n += 1
        if n == 4 { sum = sum &+ word; word = 0; n = 0 }
    }
    if n > 0 { sum = sum &+ (word << (8 * UInt32(4 - n))) }
    return sum
}
