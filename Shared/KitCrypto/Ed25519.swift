import CCrypto

/// An Ed25519 (RFC 8032, pure EdDSA) private key. A value type holding only the 32-byte seed and
/// the derived public key; OpenSSL objects are created and freed per operation, so values can be
/// shared freely between threads.
public struct Ed25519PrivateKey: Sendable {
    private let seedBytes: [UInt8]
    public let publicKey: Ed25519PublicKey

    /// A new random key.
    public init() {
        let seed = SecureRandom.bytes(32)
        do {
            try self.init(seed: seed)
        } catch {
            opensslFatal("Ed25519 key generation")
        }
    }

    /// The 32-byte raw private key ("seed" in RFC 8032). Throws `CryptoError.invalidKey` for any
    /// other length.
    public init(seed: [UInt8]) throws {
        guard seed.count == 32 else { throw CryptoError.invalidKey }
        guard let pkey = Self.makeKey(seed) else {
            clearOpenSSLErrors()
            throw CryptoError.invalidKey
        }
        defer { EVP_PKEY_free(pkey) }
        var raw = [UInt8](repeating: 0, count: 32)
        var length = raw.count
        let ok = raw.withUnsafeMutableBufferPointer { EVP_PKEY_get_raw_public_key(pkey, $0.baseAddress, &length) }
        guard ok == 1, length == 32 else {
            clearOpenSSLErrors()
            throw CryptoError.invalidKey
        }
        self.seedBytes = seed
        self.publicKey = Ed25519PublicKey(validatedRaw: raw)
    }

    /// The 32-byte raw private key. Secret: store it like a password.
    public var seed: [UInt8] { seedBytes }

    /// A 64-byte Ed25519 signature over `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        guard let pkey = Self.makeKey(seedBytes) else { opensslFatal("EVP_PKEY_new_raw_private_key") }
        defer { EVP_PKEY_free(pkey) }
        guard let ctx = EVP_MD_CTX_new() else { opensslFatal("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, nil, nil, pkey) == 1 else { opensslFatal("EVP_DigestSignInit(Ed25519)") }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        let ok = withNonNullBytes(message) { msgPtr, msgCount in
            signature.withUnsafeMutableBufferPointer { EVP_DigestSign(ctx, $0.baseAddress, &length, msgPtr, msgCount) }
        }
        guard ok == 1, length == 64 else { opensslFatal("EVP_DigestSign(Ed25519)") }
        return signature
    }

    private static func makeKey(_ seed: [UInt8]) -> OpaquePointer? {
        seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
    }
}

extension Ed25519PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never prints the secret: keeps keys out of logs, `print`, `dump` and string interpolation.
    public var description: String { "Ed25519PrivateKey(publicKey: \(Hex.encode(publicKey.raw)))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey], displayStyle: .struct) }
}

/// An Ed25519 public key (32 raw bytes). Verification creates its OpenSSL objects per call.
public struct Ed25519PublicKey: Sendable, Equatable, Hashable {
    private let rawBytes: [UInt8]

    /// Throws `CryptoError.invalidKey` unless `raw` is 32 bytes that OpenSSL accepts.
    public init(raw: [UInt8]) throws {
        guard raw.count == 32 else { throw CryptoError.invalidKey }
        guard let pkey = Self.makeKey(raw) else {
            clearOpenSSLErrors()
            throw CryptoError.invalidKey
        }
        EVP_PKEY_free(pkey)
        self.rawBytes = raw
    }

    init(validatedRaw: [UInt8]) {
        self.rawBytes = validatedRaw
    }

    public var raw: [UInt8] { rawBytes }

    /// True only for a valid 64-byte signature of `message` under this key.
    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        guard let pkey = Self.makeKey(rawBytes) else {
            clearOpenSSLErrors()
            return false
        }
        defer { EVP_PKEY_free(pkey) }
        guard let ctx = EVP_MD_CTX_new() else { opensslFatal("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, pkey) == 1 else {
            clearOpenSSLErrors()
            return false
        }
        let result = signature.withUnsafeBufferPointer { sigPtr in
            withNonNullBytes(message) { msgPtr, msgCount in
                EVP_DigestVerify(ctx, sigPtr.baseAddress, sigPtr.count, msgPtr, msgCount)
            }
        }
        if result != 1 { clearOpenSSLErrors() }
        return result == 1
    }

    private static func makeKey(_ raw: [UInt8]) -> OpaquePointer? {
        raw.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
    }
}

extension Ed25519PublicKey: CustomStringConvertible {
    public var description: String { "Ed25519PublicKey(\(Hex.encode(rawBytes)))" }
}

/// Key-ID derivation: first 8 bytes of SHA-256 of the raw public key, base64url.
public func keyID(for key: Ed25519PublicKey) -> String {
    Base64URL.encode(Array(SHA256.hash(key.raw).prefix(8)))
}
