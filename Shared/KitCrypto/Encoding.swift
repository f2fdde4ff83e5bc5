/// Lowercase hexadecimal encoding.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex, two characters per byte.
    public static func encode(_ b: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(b.count * 2)
        for byte in b {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Accepts upper- or lowercase digits; returns nil for odd length or any non-hex character
    /// (including whitespace and a "0x" prefix).
    public static func decode(_ s: String) -> [UInt8]? {
        let utf8 = Array(s.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = nibble(utf8[i]), let lo = nibble(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Base64 with the URL- and filename-safe alphabet (RFC 4648 §5), as used by JWS/JWT.
public enum Base64URL {
    private static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0xFF marks a byte outside the alphabet.
    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    /// Encodes without padding.
    public static func encode(_ b: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((b.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= b.count {
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
            out.append(alphabet[Int(n >> 6 & 0x3F)])
            out.append(alphabet[Int(n & 0x3F)])
            i += 3
        }
        switch b.count - i {
        case 1:
            let n = UInt32(b[i]) << 16
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
        case 2:
            let n = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 0x3F)])
            out.append(alphabet[Int(n >> 12 & 0x3F)])
            out.append(alphabet[Int(n >> 6 & 0x3F)])
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded input; correctly padded input (total length a multiple of 4, at most two
    /// trailing "=") is accepted too. Returns nil for characters outside the URL-safe alphabet
    /// (including "+", "/", whitespace), misplaced padding, an impossible length, or non-zero
    /// trailing bits (non-canonical encodings).
    public static func decode(_ s: String) -> [UInt8]? {
        var chars = Array(s.utf8)
        if let firstPad = chars.firstIndex(of: UInt8(ascii: "=")) {
            let padCount = chars.count - firstPad
            guard padCount <= 2, chars.count % 4 == 0,
                  chars[firstPad...].allSatisfy({ $0 == UInt8(ascii: "=") }) else { return nil }
            chars.removeLast(padCount)
            // "xx==" and "xxx=" are the only valid shapes; "xxxx==" etc. are rejected below
            // because the remaining length would be ≡ 0 (mod 4) with padding present.
            guard chars.count % 4 != 0 else { return nil }
        }
        let remainder = chars.count % 4
        guard remainder != 1 else { return nil }

        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var i = 0
        while i + 4 <= chars.count {
            let a = reverse[Int(chars[i])], b = reverse[Int(chars[i + 1])]
            let c = reverse[Int(chars[i + 2])], d = reverse[Int(chars[i + 3])]
            guard (a | b | c | d) & 0xC0 == 0 else { return nil }
            let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n))
            i += 4
        }
        switch remainder {
        case 2:
            let a = reverse[Int(chars[i])], b = reverse[Int(chars[i + 1])]
            guard (a | b) & 0xC0 == 0, b & 0x0F == 0 else { return nil }
            out.append(a << 2 | b >> 4)
        case 3:
            let a = reverse[Int(chars[i])], b = reverse[Int(chars[i + 1])], c = reverse[Int(chars[i + 2])]
            guard (a | b | c) & 0xC0 == 0, c & 0x03 == 0 else { return nil }
            out.append(a << 2 | b >> 4)
            out.append(b << 4 | c >> 2)
        default:
            break
        }
        return out
    }
}
