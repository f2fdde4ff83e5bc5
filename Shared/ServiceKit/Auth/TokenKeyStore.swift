import Foundation
import KitClient
import KitCrypto
import Models

/// The public keys that verify access tokens. Identity installs its own; every other service
/// fetches `/api/identity/keys` on first use and again when a token names an unknown key id
/// (at most every 10 s), so key rotation needs no restart.
public final class TokenKeyStore: @unchecked Sendable {
    private let identityURL: String
    private let http: HTTPClient
    private let lock = NSLock()
    private var verifier = TokenVerifier(keys: [:])
    private var lastFetch = Date.distantPast
    private var fixed = false

    public init(identityURL: String, http: HTTPClient) {
        self.identityURL = identityURL
        self.http = http
    }

    /// Identity calls this with its own keys; no fetching then.
    public func install(_ keys: [String: Ed25519PublicKey]) {
        lock.lock(); defer { lock.unlock() }
        verifier = TokenVerifier(keys: keys)
        fixed = true
    }

    /// Verifies an access token; 401 with the envelope's codes when it is missing, bad or old.
    public func verify(_ token: String) throws -> AccessClaims {
        let claims = try verify(token, as: AccessClaims.self)
        guard claims.typ == "access" else { throw APIError.unauthorized }
        return claims
    }

    /// Verifies any token the identity service signed and decodes its claims.
    public func verify<C: Decodable>(_ token: String, as type: C.Type) throws -> C {
        do {
            return try check(token, currentVerifier(), type)
        } catch CryptoError.invalidToken("unknown kid") {
            // Fetch the key set (rate-limited), then check again in any case: another thread
            // may have fetched it meanwhile (at a cold start, many requests arrive together).
            refresh()
            do {
                return try check(token, currentVerifier(), type)
            } catch CryptoError.invalidToken("unknown kid") {
                throw APIError.unauthorized
            }
        }
    }

    private func check<C: Decodable>(_ token: String, _ v: TokenVerifier, _ type: C.Type) throws -> C {
        do {
            return try v.verify(token, as: type)
        } catch CryptoError.expired {
            throw APIError.tokenExpired
        } catch CryptoError.invalidToken("unknown kid") {
            throw CryptoError.invalidToken("unknown kid")
        } catch {
            throw APIError.unauthorized
        }
    }

    private func currentVerifier() -> TokenVerifier {
        lock.lock(); defer { lock.unlock() }
        if !fixed && verifier.keys.isEmpty && Date().timeIntervalSince(lastFetch) > 1 {
            lock.unlock()
            _ = refresh()
            lock.lock()
        }
        return verifier
    }

    /// Fetches the key set; true when it changed.
    @discardableResult
    public func refresh() -> Bool {
        lock.lock()
        if fixed || Date().timeIntervalSince(lastFetch) < 10 && !verifier.keys.isEmpty { lock.unlock(); return false }
        lastFetch = Date()
        lock.unlock()
        guard let set = try? http.getJSON("\(identityURL)/api/identity/keys", as: PublicKeySet.self) else { return false }
        var keys: [String: Ed25519PublicKey] = [:]
        for k in set.keys {
            if let raw = Base64URL.decode(k.x), let key = try? Ed25519PublicKey(raw: raw) { keys[k.kid] = key }
        }
        lock.lock(); defer { lock.unlock() }
        let changed = Set(keys.keys) != Set(verifier.keys.keys)
        verifier = TokenVerifier(keys: keys)
        return changed
    }
}

/// `/api/identity/keys`: a JWK set of Ed25519 public keys (OKP).
public struct PublicKeySet: Codable, Sendable {
    public struct Key: Codable, Sendable {
        public var kty = "OKP"
        public var crv = "Ed25519"
        public var alg = "EdDSA"
        public var use = "sig"
        public var kid: String
        public var x: String
        public init(kid: String, x: String) { self.kid = kid; self.x = x }
    }
    public var keys: [Key]
    public init(keys: [Key]) { self.keys = keys }
}
