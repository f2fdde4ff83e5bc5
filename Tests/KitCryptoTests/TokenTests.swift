import XCTest
@testable import KitCrypto

final class TokenTests: XCTestCase {
    struct Claims: Codable, Equatable {
        var sub: String
        var roles: [String]
        var exp: Int
        var nbf: Int?
    }

    struct DateClaims: Codable, Equatable {
        var sub: String
        var exp: Date
    }

    struct NoExp: Codable { var sub: String }

    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let nowSeconds = 1_700_000_000

    let key = try! Ed25519PrivateKey(seed: Array(repeating: 7, count: 32))
    let otherKey = try! Ed25519PrivateKey(seed: Array(repeating: 8, count: 32))

    var kid: String { keyID(for: key.publicKey) }
    var signer: TokenSigner { TokenSigner(key: key, keyID: kid) }
    var verifier: TokenVerifier { TokenVerifier(keys: [kid: key.publicKey]) }

    func claims(exp offset: Int = 3600, nbf: Int? = nil) -> Claims {
        Claims(sub: "user-42", roles: ["auditor", "author"], exp: Self.nowSeconds + offset, nbf: nbf)
    }

    func assertRejected(_ token: String, _ expected: CryptoError, verifier: TokenVerifier? = nil,
                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try (verifier ?? self.verifier).verify(token, as: Claims.self, now: Self.now),
                             file: file, line: line) {
            XCTAssertEqual($0 as? CryptoError, expected, file: file, line: line)
        }
    }

    static func segment(_ json: String) -> String { Base64URL.encode(Array(json.utf8)) }

    func testRoundTrip() throws {
        let original = claims()
        let token = try signer.sign(original)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        XCTAssertEqual(parts.count, 3)
        XCTAssertFalse(token.contains("="))
        let header = String(decoding: try XCTUnwrap(Base64URL.decode(String(parts[0]))), as: UTF8.self)
        XCTAssertEqual(header, #"{"alg":"EdDSA","typ":"JWT","kid":"\#(kid)"}"#)
        XCTAssertEqual(try XCTUnwrap(Base64URL.decode(String(parts[2]))).count, 64)
        XCTAssertEqual(try verifier.verify(token, as: Claims.self, now: Self.now), original)
        // Default `now` (real clock) with a far-future exp.
        let longLived = Claims(sub: "x", roles: [], exp: Int(Date().timeIntervalSince1970) + 600, nbf: nil)
        XCTAssertEqual(try verifier.verify(try signer.sign(longLived), as: Claims.self), longLived)
    }

    func testSignatureMatchesEd25519OverSigningInput() throws {
        let token = try signer.sign(claims())
        let parts = token.split(separator: ".").map(String.init)
        let signature = try XCTUnwrap(Base64URL.decode(parts[2]))
        XCTAssertTrue(key.publicKey.verify(signature: signature, message: Array("\(parts[0]).\(parts[1])".utf8)))
    }

    func testDateClaims() throws {
        let original = DateClaims(sub: "u", exp: Self.now.addingTimeInterval(60))
        let token = try signer.sign(original)
        let payload = try XCTUnwrap(Base64URL.decode(String(token.split(separator: ".")[1])))
        XCTAssertTrue(String(decoding: payload, as: UTF8.self).contains("\"exp\":1700000060"))
        XCTAssertEqual(try verifier.verify(token, as: DateClaims.self, now: Self.now), original)
    }

    func testTamperedPayloadRejected() throws {
        let token = try signer.sign(claims())
        var parts = token.split(separator: ".").map(String.init)
        var forged = claims()
        forged.roles.append("admin")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        parts[1] = Base64URL.encode(Array(try encoder.encode(forged)))
        assertRejected(parts.joined(separator: "."), .invalidToken("bad signature"))
    }

    func testTamperedSignatureAndHeaderRejected() throws {
        let token = try signer.sign(claims())
        var parts = token.split(separator: ".").map(String.init)
        var signature = try XCTUnwrap(Base64URL.decode(parts[2]))
        signature[10] ^= 0x04
        parts[2] = Base64URL.encode(signature)
        assertRejected(parts.joined(separator: "."), .invalidToken("bad signature"))

        // Same kid, different JSON spelling of the header: the signature covers the exact bytes.
        var parts2 = token.split(separator: ".").map(String.init)
        parts2[0] = Self.segment(#"{"typ":"JWT","alg":"EdDSA","kid":"\#(kid)"}"#)
        assertRejected(parts2.joined(separator: "."), .invalidToken("bad signature"))
    }

    func testWrongKidRejected() throws {
        // Unknown kid.
        let token = try TokenSigner(key: key, keyID: "some-other-kid").sign(claims())
        assertRejected(token, .invalidToken("unknown kid"))
        // Known kid but signed with a different key.
        let impostor = try TokenSigner(key: otherKey, keyID: kid).sign(claims())
        assertRejected(impostor, .invalidToken("unknown kid"), verifier: TokenVerifier(keys: [:]))
        assertRejected(impostor, .invalidToken("bad signature"))
        // The verifier accepts it once the right key is registered under another kid.
        let both = TokenVerifier(keys: [kid: key.publicKey, keyID(for: otherKey.publicKey): otherKey.publicKey])
        let rotated = try TokenSigner(key: otherKey, keyID: keyID(for: otherKey.publicKey)).sign(claims())
        XCTAssertEqual(try both.verify(rotated, as: Claims.self, now: Self.now), claims())
        XCTAssertEqual(try both.verify(try signer.sign(claims()), as: Claims.self, now: Self.now), claims())
    }

    func testMissingKidRejected() throws {
        let payload = Self.segment(#"{"sub":"x","roles":[],"exp":\#(Self.nowSeconds + 60)}"#)
        let header = Self.segment(#"{"alg":"EdDSA","typ":"JWT"}"#)
        let signature = Base64URL.encode(key.sign(Array("\(header).\(payload)".utf8)))
        assertRejected("\(header).\(payload).\(signature)", .invalidToken("unknown kid"))
    }

    func testExpiry() throws {
        assertRejected(try signer.sign(claims(exp: -100)), .expired)
        assertRejected(try signer.sign(claims(exp: -30)), .expired)     // exactly at exp + leeway
        XCTAssertNoThrow(try verifier.verify(try signer.sign(claims(exp: -29)), as: Claims.self, now: Self.now))
        XCTAssertNoThrow(try verifier.verify(try signer.sign(claims(exp: -10)), as: Claims.self, now: Self.now))
        XCTAssertThrowsError(try verifier.verify(try signer.sign(claims(exp: -10)), as: Claims.self, now: Self.now, leeway: 0)) {
            XCTAssertEqual($0 as? CryptoError, .expired)
        }
        XCTAssertThrowsError(try verifier.verify(try signer.sign(claims(exp: -10)), as: Claims.self, now: Self.now, leeway: -50)) {
            XCTAssertEqual($0 as? CryptoError, .expired)
        }
    }

    func testMissingExpRejected() throws {
        let token = try signer.sign(NoExp(sub: "x"))
        XCTAssertThrowsError(try verifier.verify(token, as: NoExp.self, now: Self.now)) {
            XCTAssertEqual($0 as? CryptoError, .invalidToken("missing exp"))
        }
        // exp of the wrong JSON type.
        let header = try XCTUnwrap(try signer.sign(NoExp(sub: "x")).split(separator: ".").first).description
        let payload = Self.segment(#"{"sub":"x","exp":"tomorrow"}"#)
        let signature = Base64URL.encode(key.sign(Array("\(header).\(payload)".utf8)))
        XCTAssertThrowsError(try verifier.verify("\(header).\(payload).\(signature)", as: NoExp.self, now: Self.now)) {
            XCTAssertEqual($0 as? CryptoError, .invalidToken("bad payload"))
        }
    }

    func testNotBefore() throws {
        assertRejected(try signer.sign(claims(nbf: Self.nowSeconds + 120)), .invalidToken("not yet valid"))
        XCTAssertNoThrow(try verifier.verify(try signer.sign(claims(nbf: Self.nowSeconds + 20)), as: Claims.self, now: Self.now))
        XCTAssertNoThrow(try verifier.verify(try signer.sign(claims(nbf: Self.nowSeconds - 20)), as: Claims.self, now: Self.now))
    }

    func testAlgNoneRejected() throws {
        let payload = Self.segment(#"{"sub":"user-42","roles":["admin"],"exp":\#(Self.nowSeconds + 3600)}"#)
        for alg in ["none", "None", "NONE"] {
            let header = Self.segment(#"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#)
            assertRejected("\(header).\(payload).", .invalidToken("malformed"))
            assertRejected("\(header).\(payload)", .invalidToken("malformed"))
            assertRejected("\(header).\(payload).AAAA", .invalidToken("unsupported alg"))
        }
        // Even a correct Ed25519 signature is refused under another alg label.
        for alg in ["HS256", "ES256", "RS256", "eddsa", "Ed25519"] {
            let header = Self.segment(#"{"alg":"\#(alg)","typ":"JWT","kid":"\#(kid)"}"#)
            let signature = Base64URL.encode(key.sign(Array("\(header).\(payload)".utf8)))
            assertRejected("\(header).\(payload).\(signature)", .invalidToken("unsupported alg"))
        }
    }

    func testCritAndTypRejected() throws {
        let payload = Self.segment(#"{"sub":"x","roles":[],"exp":\#(Self.nowSeconds + 60)}"#)
        func signed(_ headerJSON: String) -> String {
            let header = Self.segment(headerJSON)
            return "\(header).\(payload).\(Base64URL.encode(key.sign(Array("\(header).\(payload)".utf8))))"
        }
        assertRejected(signed(#"{"alg":"EdDSA","kid":"\#(kid)","crit":["exp"],"exp":1}"#), .invalidToken("unsupported crit"))
        assertRejected(signed(#"{"alg":"EdDSA","typ":"at+jwt","kid":"\#(kid)"}"#), .invalidToken("unsupported typ"))
        // typ is optional.
        XCTAssertNoThrow(try verifier.verify(signed(#"{"alg":"EdDSA","kid":"\#(kid)"}"#), as: Claims.self, now: Self.now))
    }

    func testMalformedTokensRejected() throws {
        let good = try signer.sign(claims())
        let parts = good.split(separator: ".").map(String.init)
        for token in ["", ".", "..", "a.b", "a.b.c.d", "\(good).", ".\(good)", "\(parts[0])..\(parts[2])",
                      "\(parts[0]).\(parts[1])", "\(parts[0])!.\(parts[1]).\(parts[2])", " \(good)"] {
            XCTAssertThrowsError(try verifier.verify(token, as: Claims.self, now: Self.now), "accepted: \(token)") {
                guard case .invalidToken = $0 as? CryptoError else { return XCTFail("unexpected \($0)") }
            }
        }
        assertRejected("\(Self.segment("[]")).\(parts[1]).\(parts[2])", .invalidToken("bad header"))
        assertRejected("\(Self.segment("{not json")).\(parts[1]).\(parts[2])", .invalidToken("bad header"))
        assertRejected(String(repeating: "A", count: TokenVerifier.maxTokenLength + 1), .invalidToken("too long"))
        // Padded segments are not compact JWS.
        assertRejected("\(parts[0]).\(parts[1]).\(parts[2])==", .invalidToken("malformed"))
    }

    func testClaimsTypeMismatch() throws {
        struct Other: Decodable { var tenant: String; var exp: Int }
        let token = try signer.sign(claims())
        XCTAssertThrowsError(try verifier.verify(token, as: Other.self, now: Self.now)) {
            XCTAssertEqual($0 as? CryptoError, .invalidToken("bad claims"))
        }
    }

    func testNonObjectClaimsRejectedBySigner() {
        XCTAssertThrowsError(try signer.sign([1, 2, 3])) {
            XCTAssertEqual($0 as? CryptoError, .invalidToken("claims not a JSON object"))
        }
    }

    func testKidIsJSONEscaped() throws {
        let odd = "k\"id\\with\nstuff/é"
        let token = try TokenSigner(key: key, keyID: odd).sign(claims())
        let verifier = TokenVerifier(keys: [odd: key.publicKey])
        XCTAssertEqual(try verifier.verify(token, as: Claims.self, now: Self.now), claims())
    }
}
