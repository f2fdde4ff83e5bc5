import CCrypto

/// AES-256-GCM for data at rest (personal identifiers of case registries). A sealed box is
/// `nonce (12) ‖ ciphertext ‖ tag (16)`; the nonce is random per seal. `aad` binds the box to
/// its context (e.g. the case id) so a box copied to another row does not open.
public struct AESGCM: Sendable {
    public static let keySize = 32
    public static let nonceSize = 12
    public static let tagSize = 16

    private let key: [UInt8]

    /// The cipher, fetched once: an implicit fetch on every init (what `EVP_aes_256_gcm()` costs
    /// with OpenSSL 3) dominates sealing many small values. `BulkSealer` uses it too.
    nonisolated(unsafe) private static let cipher: OpaquePointer? = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil)
    static var method: OpaquePointer? { cipher ?? EVP_aes_256_gcm() }

    public init(key: [UInt8]) throws {
        guard key.count == AESGCM.keySize else { throw CryptoError.invalidKey }
        self.key = key
    }

    /// Throws `tooLong` for a plaintext or `aad` OpenSSL cannot take in one call (2 GiB).
    public func seal(_ plaintext: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        guard plaintext.count <= Int(Int32.max) - AESGCM.tagSize, aad.count <= Int(Int32.max) else { throw CryptoError.tooLong }
        let nonce = SecureRandom.bytes(AESGCM.nonceSize)
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.invalidKey }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + AESGCM.tagSize)
        var len: Int32 = 0
        var total = 0
        let ok: Bool = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in
                guard EVP_EncryptInit_ex(ctx, AESGCM.method, nil, k.baseAddress, n.baseAddress) == 1 else { return false }
                if !aad.isEmpty {
                    let r = withNonNullBytes(aad) { EVP_EncryptUpdate(ctx, nil, &len, $0, Int32($1)) }
                    guard r == 1 else { return false }
                }
                let r = out.withUnsafeMutableBufferPointer { o in
                    withNonNullBytes(plaintext) { EVP_EncryptUpdate(ctx, o.baseAddress, &len, $0, Int32($1)) }
                }
                guard r == 1 else { return false }
                total = Int(len)
                let f = out.withUnsafeMutableBufferPointer { o in EVP_EncryptFinal_ex(ctx, o.baseAddress! + total, &len) }
                guard f == 1 else { return false }
                total += Int(len)
                let t = out.withUnsafeMutableBufferPointer { o in
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(AESGCM.tagSize), o.baseAddress! + total)
                }
                return t == 1
            }
        }
        guard ok, total == plaintext.count else { clearOpenSSLErrors(); throw CryptoError.invalidKey }
        return nonce + out
    }

    /// Nil when the box is too short, was altered, or belongs to another `aad`/key.
    public func open(_ box: [UInt8], aad: [UInt8] = []) -> [UInt8]? {
        guard box.count >= AESGCM.nonceSize + AESGCM.tagSize, box.count <= Int(Int32.max),
              aad.count <= Int(Int32.max) else { return nil }
        let nonce = Array(box[0..<AESGCM.nonceSize])
        let body = Array(box[AESGCM.nonceSize..<(box.count - AESGCM.tagSize)])
        var tag = Array(box[(box.count - AESGCM.tagSize)...])
        guard let ctx = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: body.count + AESGCM.tagSize)
        var len: Int32 = 0
        var total = 0
        let ok: Bool = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in
                guard EVP_DecryptInit_ex(ctx, AESGCM.method, nil, k.baseAddress, n.baseAddress) == 1 else { return false }
                if !aad.isEmpty {
                    let r = withNonNullBytes(aad) { EVP_DecryptUpdate(ctx, nil, &len, $0, Int32($1)) }
                    guard r == 1 else { return false }
                }
                let r = out.withUnsafeMutableBufferPointer { o in
                    withNonNullBytes(body) { EVP_DecryptUpdate(ctx, o.baseAddress, &len, $0, Int32($1)) }
                }
                guard r == 1 else { return false }
                total = Int(len)
                let t = tag.withUnsafeMutableBufferPointer { p in
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(AESGCM.tagSize), p.baseAddress)
                }
                guard t == 1 else { return false }
                let f = out.withUnsafeMutableBufferPointer { o in EVP_DecryptFinal_ex(ctx, o.baseAddress! + total, &len) }
                guard f == 1 else { return false }
                total += Int(len)
                return true
            }
        }
        guard ok, total == body.count else { clearOpenSSLErrors(); return nil }
        return Array(out[0..<total])
    }
}

/// HMAC-SHA-256 under one fixed key for many short messages: the key's inner and outer pads are
/// absorbed once and each MAC starts from copies of those states (same result as `HMACSHA256`,
/// without a fetch and key setup per call). Thread-safe: the templates are only read.
public final class KeyedHMAC: @unchecked Sendable {
    private let inner: OpaquePointer
    private let outer: OpaquePointer

    public init(key: [UInt8]) {
        nonisolated(unsafe) let md = EVP_MD_fetch(nil, "SHA256", nil)
        var k = key.count > 64 ? SHA256.hash(key) : key
        k += [UInt8](repeating: 0, count: 64 - k.count)
        guard let i = EVP_MD_CTX_new(), let o = EVP_MD_CTX_new(),
              EVP_DigestInit_ex(i, md ?? EVP_sha256(), nil) == 1, EVP_DigestInit_ex(o, md ?? EVP_sha256(), nil) == 1 else {
            opensslFatal("KeyedHMAC init")
        }
        let ipad = k.map { $0 ^ 0x36 }, opad = k.map { $0 ^ 0x5C }
        guard EVP_DigestUpdate(i, ipad, 64) == 1, EVP_DigestUpdate(o, opad, 64) == 1 else { opensslFatal("KeyedHMAC pads") }
        inner = i
        outer = o
    }

    deinit {
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
    }

    /// `c` set to the state after the inner (outer) pad, for callers reusing one context.
    func startInner(_ c: OpaquePointer) -> Bool { EVP_MD_CTX_copy_ex(c, inner) == 1 }
    func startOuter(_ c: OpaquePointer) -> Bool { EVP_MD_CTX_copy_ex(c, outer) == 1 }

    public func mac(_ message: [UInt8]) -> [UInt8] {
        guard let c = EVP_MD_CTX_new() else { opensslFatal("KeyedHMAC ctx") }
        defer { EVP_MD_CTX_free(c) }
        var inside = [UInt8](repeating: 0, count: 32)
        var out = [UInt8](repeating: 0, count: 32)
        var n: UInt32 = 0
        guard EVP_MD_CTX_copy_ex(c, inner) == 1,
              withNonNullBytes(message, { EVP_DigestUpdate(c, $0, $1) }) == 1,
              EVP_DigestFinal_ex(c, &inside, &n) == 1,
              EVP_MD_CTX_copy_ex(c, outer) == 1, EVP_DigestUpdate(c, inside, 32) == 1,
              EVP_DigestFinal_ex(c, &out, &n) == 1 else { opensslFatal("KeyedHMAC") }
        return out
    }
}
