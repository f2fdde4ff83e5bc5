import XCTest
import Foundation
@testable import KitCrypto

/// Hammers the API from many threads at once; run under TSan with
/// `swift test --sanitize=thread --filter ConcurrencyTests`.
final class ConcurrencyTests: XCTestCase {
    final class FailureCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add(_ n: Int = 1) { lock.lock(); value += n; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    struct Claims: Codable, Equatable, Sendable { var sub: String; var exp: Int }

    func testParallelUse() throws {
        let key = Ed25519PrivateKey()
        let kid = keyID(for: key.publicKey)
        let signer = TokenSigner(key: key, keyID: kid)
        let verifier = TokenVerifier(keys: [kid: key.publicKey])
        let stored = PasswordHasher.hash("pw", iterations: 1000)
        let failures = FailureCounter()
        let exp = Int(Date().timeIntervalSince1970) + 600

        DispatchQueue.concurrentPerform(iterations: 64) { i in
            do {
                let claims = Claims(sub: "user-\(i)", exp: exp)
                let token = try signer.sign(claims)
                if try verifier.verify(token, as: Claims.self) != claims { failures.add() }
                if (try? verifier.verify(token + "x", as: Claims.self)) != nil { failures.add() }
            } catch {
                failures.add()
            }
            if !PasswordHasher.verify("pw", against: stored) { failures.add() }
            if PasswordHasher.verify("px", against: stored) { failures.add() }
            if Hex.encode(HMACSHA256.mac(key: Array("Jefe".utf8), message: "what do ya want for nothing?"))
                != "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" { failures.add() }
            let hasher = SHA256.Hasher()
            hasher.update(Array("abc".utf8))
            if SHA256.hex("abc") != Hex.encode(hasher.finalize()) { failures.add() }
            if SecureRandom.digits(6).count != 6 { failures.add() }
        }
        XCTAssertEqual(failures.count, 0)
    }
}
