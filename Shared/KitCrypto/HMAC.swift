import CCrypto

/// HMAC-SHA-256 (RFC 2104 / FIPS 198-1). Thread-safe.
public enum HMACSHA256 {
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        precondition(key.count <= Int(Int32.max), "HMACSHA256: key too long")
        var out = [UInt8](repeating: 0, count: SHA256.byteCount)
        var length: UInt32 = 0
        let result = withNonNullBytes(key) { keyPtr, keyCount in
            withNonNullBytes(message) { msgPtr, msgCount in
                out.withUnsafeMutableBufferPointer {
                    HMAC(EVP_sha256(), keyPtr, Int32(keyCount), msgPtr, msgCount, $0.baseAddress, &length)
                }
            }
        }
        guard result != nil, length == UInt32(SHA256.byteCount) else { opensslFatal("HMAC(SHA-256)") }
        return out
    }

    /// MAC over the message's UTF-8 bytes.
    public static func mac(key: [UInt8], message: String) -> [UInt8] {
        mac(key: key, message: Array(message.utf8))
    }
}

/// Constant-time equality (`CRYPTO_memcmp`) for MACs, digests and tokens. Returns false when the
/// lengths differ (the length itself is not treated as secret); two empty arrays are equal.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { pa in
        b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, pa.count) == 0 }
    }
}
