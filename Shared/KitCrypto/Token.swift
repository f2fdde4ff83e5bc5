import Foundation

// Compact JWS (RFC 7515) / JWT (RFC 7519) with "alg":"EdDSA" (RFC 8037), Ed25519 only.
//
// Claims are encoded and decoded with JSONEncoder/JSONDecoder using `.secondsSince1970` for
// `Date` properties, so a claims struct may declare `exp`/`nbf`/`iat` either as numbers
// (Int/Double seconds since the epoch) or as `Date`.

private struct JOSEHeader: Decodable {
    var alg: String
    var typ: String?
    var kid: String?
    var crit: [String]?
}

/// The registered time claims checked by the verifier, decoded independently of the caller's
/// claims type.
private struct TimeClaims: Decodable {
    var exp: Double?
    var nbf: Double?
}

/// Compact JWS (JWT) with alg EdDSA: base64url(header).base64url(payload).base64url(sig); header {"alg":"EdDSA","typ":"JWT","kid":<kid>}.
public struct TokenSigner: Sendable {
    private let key: Ed25519PrivateKey
    public let keyID: String
    private let encodedHeader: String

    public init(key: Ed25519PrivateKey, keyID: String) {
        self.key = key
        self.keyID = keyID
        let header = #"{"alg":"EdDSA","typ":"JWT","kid":"# + jsonStringLiteral(keyID) + "}"
        self.encodedHeader = Base64URL.encode(Array(header.utf8))
    }

    /// Signs `claims` (which must encode to a JSON object). The verifier requires an `exp` claim.
    /// Throws `CryptoError.invalidToken("claims not encodable")` if encoding fails.
    public func sign<Claims: Encodable>(_ claims: Claims) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload: Data
        do {
            payload = try encoder.encode(claims)
        } catch {
            throw CryptoError.invalidToken("claims not encodable")
        }
        guard payload.first == UInt8(ascii: "{") else {
            throw CryptoError.invalidToken("claims not a JSON object")
        }
        let signingInput = encodedHeader + "." + Base64URL.encode(Array(payload))
        let signature = key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}

public struct TokenVerifier: Sendable {
    /// Tokens longer than this are rejected before any parsing.
    public static let maxTokenLength = 64 * 1024

    public let keys: [String: Ed25519PublicKey]

    public init(keys: [String: Ed25519PublicKey]) { // kid -> key
        self.keys = keys
    }

    /// Checks structure, alg == EdDSA, kid known, signature, and `exp` (seconds since epoch, required) against `now` with `leeway` seconds; `nbf` if present. Then decodes Claims.
    ///
    /// Throws `CryptoError.expired` when `now >= exp + leeway`, otherwise
    /// `CryptoError.invalidToken(reason)` with one of: "too long", "malformed", "bad header",
    /// "unsupported alg", "unsupported typ", "unsupported crit", "unknown kid", "bad signature",
    /// "bad payload", "missing exp", "not yet valid", "bad claims".
    public func verify<Claims: Decodable>(_ token: String, as: Claims.Type, now: Date = Date(), leeway: TimeInterval = 30) throws -> Claims {
        guard token.utf8.count <= Self.maxTokenLength else { throw CryptoError.invalidToken("too long") }
        let parts = token.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { throw CryptoError.invalidToken("malformed") }
        // Compact JWS segments are unpadded (RFC 7515 §2); refusing "=" keeps tokens unmalleable.
        guard !token.utf8.contains(UInt8(ascii: "=")) else { throw CryptoError.invalidToken("malformed") }

        // Header: algorithm and key selection. Nothing from the header is trusted beyond
        // choosing the key; the signature covers it.
        guard let headerBytes = Base64URL.decode(String(decoding: parts[0], as: UTF8.self)) else {
            throw CryptoError.invalidToken("malformed")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let header = try? decoder.decode(JOSEHeader.self, from: Data(headerBytes)) else {
            throw CryptoError.invalidToken("bad header")
        }
        guard header.alg == "EdDSA" else { throw CryptoError.invalidToken("unsupported alg") }
        if let typ = header.typ, typ.uppercased() != "JWT" { throw CryptoError.invalidToken("unsupported typ") }
        // RFC 7515 §4.1.11: extensions marked critical that we do not understand must be rejected.
        if header.crit != nil { throw CryptoError.invalidToken("unsupported crit") }
        guard let kid = header.kid, let key = keys[kid] else { throw CryptoError.invalidToken("unknown kid") }

        // Signature over the exact ASCII "header.payload" as received.
        guard let signature = Base64URL.decode(String(decoding: parts[2], as: UTF8.self)), signature.count == 64 else {
            throw CryptoError.invalidToken("bad signature")
        }
        let signingInputLength = parts[0].count + 1 + parts[1].count
        let signingInput = Array(token.utf8.prefix(signingInputLength))
        guard key.verify(signature: signature, message: signingInput) else {
            throw CryptoError.invalidToken("bad signature")
        }

        // Payload: time checks, then the caller's claims.
        guard let payloadBytes = Base64URL.decode(String(decoding: parts[1], as: UTF8.self)) else {
            throw CryptoError.invalidToken("bad payload")
        }
        let payload = Data(payloadBytes)
        guard let times = try? decoder.decode(TimeClaims.self, from: payload) else {
            throw CryptoError.invalidToken("bad payload")
        }
        guard let exp = times.exp, exp.isFinite else { throw CryptoError.invalidToken("missing exp") }
        let leeway = leeway.isFinite ? max(0, leeway) : 0
        let current = now.timeIntervalSince1970
        if current >= exp + leeway { throw CryptoError.expired }
        if let nbf = times.nbf {
            guard nbf.isFinite, current + leeway >= nbf else { throw CryptoError.invalidToken("not yet valid") }
        }
        do {
            return try decoder.decode(Claims.self, from: payload)
        } catch {
            throw CryptoError.invalidToken("bad claims")
        }
    }
}

/// A JSON string literal (with quotes) for `s`.
private func jsonStringLiteral(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
