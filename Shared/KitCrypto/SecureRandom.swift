import CCrypto

/// Cryptographically secure randomness from OpenSSL's CSPRNG (`RAND_bytes`).
/// Thread-safe: OpenSSL 3 keeps per-thread DRBG state; nothing here is shared or mutable.
public enum SecureRandom {
    /// `count` random bytes. Terminates the process if the system RNG fails: continuing with
    /// predictable "random" values (keys, tokens, salts) would be worse than crashing.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes: negative count")
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// A random token of `bytes` bytes, base64url-encoded without padding
    /// (32 bytes → 43 characters, 256 bits of entropy).
    public static func token(bytes: Int = 32) -> String {
        Base64URL.encode(Self.bytes(bytes))
    }

    /// `count` independent, uniformly distributed decimal digits (leading zeros kept), e.g. an
    /// SMS or e-mail verification code. Uses rejection sampling, so there is no modulo bias.
    public static func digits(_ count: Int) -> String {
        precondition(count >= 0, "SecureRandom.digits: negative count")
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            // 250 = 25 × 10: bytes 250...255 are rejected so every digit has probability 1/10.
            for byte in bytes(count - out.count + 8) where byte < 250 {
                out.append(UInt8(ascii: "0") + byte % 10)
                if out.count == count { break }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `count` characters drawn independently and uniformly from `alphabet` (duplicates in the
    /// alphabet are not removed and therefore weigh more). Suitable for captcha answers and
    /// initial passwords. `alphabet` must not be empty.
    public static func string(_ count: Int, alphabet: [Character]) -> String {
        precondition(count >= 0, "SecureRandom.string: negative count")
        precondition(!alphabet.isEmpty, "SecureRandom.string: empty alphabet")
        var generator = OpenSSLRandomNumberGenerator()
        var out = ""
        for _ in 0..<count {
            out.append(alphabet[uniform(below: alphabet.count, using: &generator)])
        }
        return out
    }

    /// Uniform integer in 0..<bound by rejection sampling (no modulo bias).
    static func uniform(below bound: Int, using generator: inout OpenSSLRandomNumberGenerator) -> Int {
        precondition(bound > 0)
        let bound = UInt64(bound)
        // Largest multiple of `bound` that fits in 2^64; values at or above it are rejected.
        let limit = UInt64.max - (UInt64.max % bound + 1) % bound
        while true {
            let value = generator.next()
            if value <= limit { return Int(value % bound) }
        }
    }

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let chunk = min(buffer.count - offset, Int(Int32.max))
            let ok = RAND_bytes(buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self),
                                Int32(chunk))
            if ok != 1 { opensslFatal("RAND_bytes") }
            offset += chunk
        }
    }
}

/// A `RandomNumberGenerator` backed by `RAND_bytes`, for use with the standard library's
/// `random(in:using:)` / `shuffled(using:)` when cryptographic quality is required.
struct OpenSSLRandomNumberGenerator: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { SecureRandom.fill($0) }
        return value
    }
}
