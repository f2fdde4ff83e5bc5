import CCrypto

/// Password storage with PBKDF2-HMAC-SHA256 (RFC 8018), encoded as
/// `pbkdf2-sha256$<iterations>$<salt base64url>$<hash base64url>`.
///
/// Passwords are hashed as their UTF-8 bytes exactly as given (no Unicode normalisation,
/// no trimming). All functions are thread-safe.
public enum PasswordHasher {
    public static let defaultIterations = 600_000   // OWASP 2023 PBKDF2-HMAC-SHA256

    static let scheme = "pbkdf2-sha256"
    static let saltLength = 16
    static let keyLength = 32
    /// Upper bound accepted when *verifying*, so a corrupted or hostile stored encoding cannot
    /// pin a CPU for minutes.
    static let maxIterations = 10_000_000
    /// Accepted derived-key lengths when verifying (the encoding is self-describing).
    static let acceptedKeyLengths = 16...64

    /// Returns a self-describing string "pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>", 16-byte random salt, 32-byte key.
    public static func hash(_ password: String, iterations: Int = defaultIterations) -> String {
        precondition(iterations >= 1 && iterations <= maxIterations, "PasswordHasher.hash: iterations out of range")
        let salt = SecureRandom.bytes(saltLength)
        let key = pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, keyLength: keyLength)
        return "\(scheme)$\(iterations)$\(Base64URL.encode(salt))$\(Base64URL.encode(key))"
    }

    /// Constant-time verification; false for malformed encodings; never throws.
    public static func verify(_ password: String, against encoded: String) -> Bool {
        guard let parsed = parse(encoded) else { return false }
        let candidate = pbkdf2SHA256(password: Array(password.utf8), salt: parsed.salt,
                                     iterations: parsed.iterations, keyLength: parsed.hash.count)
        return constantTimeEquals(candidate, parsed.hash)
    }

    /// True when the encoding uses fewer iterations than the default (caller may rehash on login).
    /// Also true for encodings this type cannot parse, so a caller that just verified a password
    /// against something odd replaces it.
    public static func needsRehash(_ encoded: String) -> Bool {
        guard let parsed = parse(encoded) else { return true }
        return parsed.iterations < defaultIterations
    }

    /// Raw PBKDF2-HMAC-SHA256. `iterations` and `keyLength` must be ≥ 1.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int) -> [UInt8] {
        precondition(iterations >= 1 && iterations <= Int(Int32.max), "pbkdf2SHA256: iterations out of range")
        precondition(keyLength >= 1 && keyLength <= Int(Int32.max), "pbkdf2SHA256: keyLength out of range")
        precondition(password.count <= Int(Int32.max) && salt.count <= Int(Int32.max), "pbkdf2SHA256: input too long")
        var out = [UInt8](repeating: 0, count: keyLength)
        let ok = withNonNullBytes(password) { pwPtr, pwCount in
            withNonNullBytes(salt) { saltPtr, saltCount in
                out.withUnsafeMutableBufferPointer { outPtr in
                    pwPtr.withMemoryRebound(to: CChar.self, capacity: max(pwCount, 1)) { pwChars in
                        PKCS5_PBKDF2_HMAC(pwChars, Int32(pwCount), saltPtr, Int32(saltCount),
                                          Int32(iterations), EVP_sha256(), Int32(keyLength), outPtr.baseAddress)
                    }
                }
            }
        }
        guard ok == 1 else { opensslFatal("PKCS5_PBKDF2_HMAC") }
        return out
    }

    struct Parsed {
        var iterations: Int
        var salt: [UInt8]
        var hash: [UInt8]
    }

    static func parse(_ encoded: String) -> Parsed? {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme else { return nil }
        // Digits only: rejects "+5", " 5", "0x10" that Int(_:) or other parsers might tolerate.
        let iterText = parts[1]
        guard !iterText.isEmpty, iterText.count <= 9, iterText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let iterations = Int(iterText), iterations >= 1, iterations <= maxIterations else { return nil }
        guard let salt = Base64URL.decode(String(parts[2])), !salt.isEmpty,
              let hash = Base64URL.decode(String(parts[3])), acceptedKeyLengths.contains(hash.count) else { return nil }
        return Parsed(iterations: iterations, salt: salt, hash: hash)
    }
}
