import CCrypto

/// AES-256-GCM for data at rest (personal identifiers of case registries). A sealed box is
/// `nonce (12) ‖ ciphertext ‖ tag (16)`; the nonce is random per seal. `aad` binds the box to
/// its context (e.g. the case id) so a box copied to another row does not open.
public struct AESGCM: Sendable {
    public static let keySize = 32
    public static let nonceSize = 12
    public static let tagSize = 16

    private let key: [UInt8]

    public init(key: [UInt8]) throws {
        guard key.count == AESGCM.keySize else { throw CryptoError.invalidKey }
        self.key = key
    }

    public func seal(_ plaintext: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        let nonce = SecureRandom.bytes(AESGCM.nonceSize)
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError.invalidKey }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + AESGCM.tagSize)
        var len: Int32 = 0
        var total = 0
        let ok: Bool = key.withUnsafeBufferPointer { k in
            nonce.withUnsafeBufferPointer { n in
                guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, k.baseAddress, n.baseAddress) == 1 else { return false }
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
        guard box.count >= AESGCM.nonceSize + AESGCM.tagSize, box.count <= Int(Int32.max) else { return nil }
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
                guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, k.baseAddress, n.baseAddress) == 1 else { return false }
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
