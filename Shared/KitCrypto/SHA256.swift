import CCrypto

/// SHA-256 (FIPS 180-4) via OpenSSL's EVP interface. One-shot functions are thread-safe;
/// a `Hasher` instance must not be used from several threads at once.
public enum SHA256 {
    /// Digest length in bytes.
    public static let byteCount = 32

    public static func hash<D: Collection>(_ data: D) -> [UInt8] where D.Element == UInt8 {
        if let digest = data.withContiguousStorageIfAvailable({ hash(raw: UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(data).withUnsafeBytes { hash(raw: $0) }
    }

    /// Lowercase hex of the digest.
    public static func hex<D: Collection>(_ data: D) -> String where D.Element == UInt8 {
        Hex.encode(hash(data))
    }

    /// Digest of the string's UTF-8 bytes.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }

    /// Lowercase hex digest of the string's UTF-8 bytes.
    public static func hex(_ string: String) -> String {
        Hex.encode(hash(string))
    }

    static func hash(raw: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = withNonNullRawBytes(raw) { ptr, count in
            out.withUnsafeMutableBufferPointer { EVP_Digest(ptr, count, $0.baseAddress, &length, EVP_sha256(), nil) }
        }
        guard ok == 1, length == UInt32(byteCount) else { opensslFatal("EVP_Digest(SHA-256)") }
        return out
    }

    /// Incremental hasher for streaming large files.
    /// After `finalize()` the hasher is reset to its initial state and may be reused.
    public final class Hasher {
        private let context: OpaquePointer

        public init() {
            guard let ctx = EVP_MD_CTX_new() else { opensslFatal("EVP_MD_CTX_new") }
            context = ctx
            reset()
        }

        deinit {
            EVP_MD_CTX_free(context)
        }

        public func update(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress, bytes.count > 0 else { return }
            guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { opensslFatal("EVP_DigestUpdate") }
        }

        public func update(_ bytes: [UInt8]) {
            bytes.withUnsafeBytes { update($0) }
        }

        /// Returns the 32-byte digest of everything passed to `update` since creation or the
        /// previous `finalize()`, then resets.
        public func finalize() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: SHA256.byteCount)
            var length: UInt32 = 0
            let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
            guard ok == 1, length == UInt32(SHA256.byteCount) else { opensslFatal("EVP_DigestFinal_ex") }
            reset()
            return out
        }

        private func reset() {
            guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { opensslFatal("EVP_DigestInit_ex") }
        }
    }
}
