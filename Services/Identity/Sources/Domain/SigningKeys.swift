import Foundation
import KitCore
import KitCrypto

/// The Ed25519 key that signs access and applicant tokens: TOKEN_SIGNING_KEY (base64url seed),
/// else the file TOKEN_KEY_FILE (created with a random key when missing, mode 0600).
struct SigningKeys: Sendable {
    let privateKey: Ed25519PrivateKey
    let keyID: String

    static func load(logger: Logger) throws -> SigningKeys {
        if let b64 = Env.optional("TOKEN_SIGNING_KEY") {
            guard let seed = Base64URL.decode(b64) else { throw CryptoError.invalidKey }
            return try make(seed)
        }
        let path = Env.string("TOKEN_KEY_FILE", ".var/token-signing.key")
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
           let seed = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return try make(seed)
        }
        let key = Ed25519PrivateKey()
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let tmp = path + ".tmp"
        _ = FileManager.default.createFile(atPath: tmp, contents: Data((Base64URL.encode(key.seed) + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])
        // Two replicas starting together: the first rename wins, everyone reads the winner.
        if link(tmp, path) != 0 { }
        unlink(tmp)
        logger.info("created token signing key", ["file": path])
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let seed = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw CryptoError.invalidKey }
        return try make(seed)
    }

    static func make(_ seed: [UInt8]) throws -> SigningKeys {
        let key = try Ed25519PrivateKey(seed: seed)
        return SigningKeys(privateKey: key, keyID: KitCrypto.keyID(for: key.publicKey))
    }
}
