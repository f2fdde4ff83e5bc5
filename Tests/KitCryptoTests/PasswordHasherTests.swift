import XCTest
@testable import KitCrypto

final class PasswordHasherTests: XCTestCase {
    func testHashAndVerifyLowIterations() {
        let encoded = PasswordHasher.hash("s3cret-pässwörd", iterations: 1000)
        XCTAssertTrue(PasswordHasher.verify("s3cret-pässwörd", against: encoded))
        XCTAssertFalse(PasswordHasher.verify("s3cret-passwörd", against: encoded))
        XCTAssertFalse(PasswordHasher.verify("", against: encoded))
        XCTAssertFalse(PasswordHasher.verify("s3cret-pässwörd ", against: encoded))
    }

    func testEncodingFormat() throws {
        let encoded = PasswordHasher.hash("pw", iterations: 1234)
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(parts.count, 4)
        XCTAssertEqual(parts[0], "pbkdf2-sha256")
        XCTAssertEqual(parts[1], "1234")
        XCTAssertEqual(try XCTUnwrap(Base64URL.decode(parts[2])).count, 16)
        XCTAssertEqual(try XCTUnwrap(Base64URL.decode(parts[3])).count, 32)
        XCTAssertFalse(encoded.contains("="))
        // Fresh salt each time.
        XCTAssertNotEqual(encoded, PasswordHasher.hash("pw", iterations: 1234))
    }

    func testKnownEncodingFromIndependentImplementation() {
        // Produced with Python's hashlib.pbkdf2_hmac('sha256', pw, bytes(range(16)), 1000, 32).
        let encoded = "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$IhH-AHY68w_EJfCxzpemSeAFR3xcSGOWQWGRJTUwZbk"
        XCTAssertTrue(PasswordHasher.verify("correct horse ☃", against: encoded))
        XCTAssertFalse(PasswordHasher.verify("correct horse", against: encoded))
    }

    func testDefaultIterations() {
        XCTAssertEqual(PasswordHasher.defaultIterations, 600_000)
        let encoded = PasswordHasher.hash("correct horse battery staple")
        XCTAssertTrue(encoded.hasPrefix("pbkdf2-sha256$600000$"))
        XCTAssertTrue(PasswordHasher.verify("correct horse battery staple", against: encoded))
        XCTAssertFalse(PasswordHasher.needsRehash(encoded))
    }

    func testNeedsRehash() {
        XCTAssertTrue(PasswordHasher.needsRehash(PasswordHasher.hash("pw", iterations: 1000)))
        XCTAssertFalse(PasswordHasher.needsRehash(
            "pbkdf2-sha256$600000$AAECAwQFBgcICQoLDA0ODw$IhH-AHY68w_EJfCxzpemSeAFR3xcSGOWQWGRJTUwZbk"))
        XCTAssertFalse(PasswordHasher.needsRehash(
            "pbkdf2-sha256$700000$AAECAwQFBgcICQoLDA0ODw$IhH-AHY68w_EJfCxzpemSeAFR3xcSGOWQWGRJTUwZbk"))
        XCTAssertTrue(PasswordHasher.needsRehash("garbage"))
    }

    func testMalformedEncodingsAreRejected() {
        let good = PasswordHasher.hash("pw", iterations: 1000)
        XCTAssertTrue(PasswordHasher.verify("pw", against: good))
        let parts = good.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        let salt = parts[2], hash = parts[3]
        let malformed = [
            "",
            "pw",
            "$$$",
            "pbkdf2-sha256",
            "pbkdf2-sha256$1000$\(salt)",
            "pbkdf2-sha256$1000$\(salt)$\(hash)$extra",
            "pbkdf2-sha512$1000$\(salt)$\(hash)",
            "PBKDF2-SHA256$1000$\(salt)$\(hash)",
            "pbkdf2-sha256$$\(salt)$\(hash)",
            "pbkdf2-sha256$abc$\(salt)$\(hash)",
            "pbkdf2-sha256$+1000$\(salt)$\(hash)",
            "pbkdf2-sha256$-1000$\(salt)$\(hash)",
            "pbkdf2-sha256$ 1000$\(salt)$\(hash)",
            "pbkdf2-sha256$0$\(salt)$\(hash)",
            "pbkdf2-sha256$99999999999999999999$\(salt)$\(hash)",
            "pbkdf2-sha256$1000$$\(hash)",
            "pbkdf2-sha256$1000$\(salt)$",
            "pbkdf2-sha256$1000$\(salt)!$\(hash)",
            "pbkdf2-sha256$1000$\(salt)$\(hash)*",
            "pbkdf2-sha256$1000$\(salt)$\(hash.prefix(10))",
            " \(good)",
            "\(good)\n",
        ]
        for encoded in malformed {
            XCTAssertFalse(PasswordHasher.verify("pw", against: encoded), "accepted: \(encoded)")
            XCTAssertTrue(PasswordHasher.needsRehash(encoded), "no rehash for: \(encoded)")
        }
    }

    func testDifferentIterationCountDoesNotVerify() {
        let good = PasswordHasher.hash("pw", iterations: 1000)
        let altered = good.replacingOccurrences(of: "$1000$", with: "$1001$")
        XCTAssertFalse(PasswordHasher.verify("pw", against: altered))
    }
}
