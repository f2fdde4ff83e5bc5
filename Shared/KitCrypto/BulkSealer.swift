import CCrypto

/// AES-256-GCM sealing and keyed HMAC-SHA-256 digests of many short values on one thread (bulk
/// imports): the cipher context keeps its key schedule between seals (only the nonce is set per
/// box), nonces come from a buffer of `RAND_bytes` refilled in blocks, and the HMAC context is
/// reused. Boxes are byte-identical in format to `AESGCM.seal` (`nonce ‖ ciphertext ‖ tag`,
/// they open with `AESGCM.open`) and digests equal `KeyedHMAC.mac`. Not thread-safe: one per
/// worker.
public final class BulkSealer {
    private let ctx: OpaquePointer
    private let md: OpaquePointer
    private let hmac: KeyedHMAC
    private var nonces = [UInt8](repeating: 0, count: 12 * 256)
    private var nonceOffset = 12 * 256
    private var inside = [UInt8](repeating: 0, count: 32)

    public init(key: [UInt8], digest: KeyedHMAC) throws {
        guard key.count == AESGCM.keySize, let c = EVP_CIPHER_CTX_new() else { throw CryptoError.invalidKey }
        guard let m = EVP_MD_CTX_new() else { EVP_CIPHER_CTX_free(c); throw CryptoError.invalidKey }
        let ok = key.withUnsafeBufferPointer { k in
            EVP_EncryptInit_ex(c, AESGCM.method, nil, k.baseAddress, nil) == 1
        }
        guard ok else { EVP_CIPHER_CTX_free(c); EVP_MD_CTX_free(m); clearOpenSSLErrors(); throw CryptoError.invalidKey }
        ctx = c
        md = m
        hmac = digest
    }

    deinit {
        EVP_CIPHER_CTX_free(ctx)
        EVP_MD_CTX_free(md)
    }

    /// Appends `nonce ‖ ciphertext ‖ tag` of `plaintext` (bound to `aad`) to `out`.
    public func seal(_ plaintext: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
        guard plaintext.count < Int(Int32.max) / 2, aad.count < Int(Int32.max) / 2 else { throw CryptoError.invalidKey }
        if nonceOffset + AESGCM.nonceSize > nonces.count {
            let filled = nonces.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32($0.count)) }
            guard filled == 1 else { clearOpenSSLErrors(); throw CryptoError.invalidKey }
            nonceOffset = 0
        }
        let start = out.count
        out.append(contentsOf: nonces[nonceOffset..<(nonceOffset + AESGCM.nonceSize)])
        // A nonce is never used twice: wipe it from the buffer.
        for i in nonceOffset..<(nonceOffset + AESGCM.nonceSize) { nonces[i] = 0 }
        nonceOffset += AESGCM.nonceSize
        out.append(contentsOf: repeatElement(0, count: plaintext.count + AESGCM.tagSize))
        var len: Int32 = 0
        let ok: Bool = out.withUnsafeMutableBufferPointer { o in
            let base = o.baseAddress! + start
            guard EVP_EncryptInit_ex(ctx, nil, nil, nil, base) == 1 else { return false }
            if aad.count > 0 {
                guard withNonNullRawBytes(aad, { EVP_EncryptUpdate(ctx, nil, &len, $0, Int32($1)) }) == 1 else { return false }
            }
            let body = base + AESGCM.nonceSize
            guard withNonNullRawBytes(plaintext, { EVP_EncryptUpdate(ctx, body, &len, $0, Int32($1)) }) == 1 else { return false }
            var total = Int(len)
            guard EVP_EncryptFinal_ex(ctx, body + total, &len) == 1 else { return false }
            total += Int(len)
            guard total == plaintext.count else { return false }
            return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(AESGCM.tagSize), body + total) == 1
        }
        guard ok else { out.removeSubrange(start...); clearOpenSSLErrors(); throw CryptoError.invalidKey }
    }

    /// The first `length` bytes (≤ 32) of the keyed HMAC of `message`, appended to `out`.
    public func digest(_ message: UnsafeRawBufferPointer, length: Int, into out: inout [UInt8]) {
        precondition(length >= 0 && length <= 32)
        var n: UInt32 = 0
        let ok = inside.withUnsafeMutableBufferPointer { buf -> Bool in
            guard hmac.startInner(md), withNonNullRawBytes(message, { EVP_DigestUpdate(md, $0, $1) }) == 1,
                  EVP_DigestFinal_ex(md, buf.baseAddress, &n) == 1,
                  hmac.startOuter(md), EVP_DigestUpdate(md, buf.baseAddress, 32) == 1,
                  EVP_DigestFinal_ex(md, buf.baseAddress, &n) == 1 else { return false }
            return true
        }
        guard ok else { opensslFatal("BulkSealer digest") }
        out.append(contentsOf: inside[0..<length])
    }
}
