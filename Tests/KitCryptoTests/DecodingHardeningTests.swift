import Foundation
import XCTest
@testable import KitCrypto

/// "No input kills a process": base64url, hex and token decoding of hostile text give nil or a CryptoError,
/// never a trap. Inputs the Token fuzzer kept (Tests/Fuzz/crashers/Token/) are replayed here too.
final class DecodingHardeningTests: XCTestCase {
    struct Claims: Decodable { var sub: String; var exp: Int }

    let key = try! Ed25519PrivateKey(seed: Array(repeating: 7, count: 32))
    var verifier: TokenVerifier { TokenVerifier(keys: ["k1": key.publicKey]) }
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A token over arbitrary header and payload bytes, correctly signed, so checks behind the signature run.
    func signed(_ header: String, _ payload: String) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        return input + "." + Base64URL.encode(key.sign(Array(input.utf8)))
    }

    func reason(_ token: String) -> String? {
        do {
            _ = try verifier.verify(token, as: Claims.self, now: now)
            return nil
        } catch CryptoError.invalidToken(let why) {
            return why
        } catch CryptoError.expired {
            return "expired"
        } catch {
            XCTFail("not a CryptoError: \(error)")
            return nil
        }
    }

    func testBase64URLAndHexRefuseEveryOddInput() {
        for byte in UInt8(0)...UInt8(255) {
            let one = String(decoding: [byte], as: UTF8.self)
            for text in [one, one + one, "AA" + one, "AAA" + one, "AAAA" + one + "==", one + "==="] {
                if let decoded = Base64URL.decode(text) {
                    XCTAssertEqual(Base64URL.encode(decoded), text.replacingOccurrences(of: "=", with: ""))
                }
                if let decoded = Hex.decode(text) { XCTAssertEqual(Hex.encode(decoded), text.lowercased()) }
            }
        }
        XCTAssertNil(Base64URL.decode("医院"))
        XCTAssertNil(Base64URL.decode("A"))
        XCTAssertNil(Base64URL.decode("===="))
        XCTAssertNil(Base64URL.decode("A==="))
        XCTAssertNil(Hex.decode("医院"))
        XCTAssertNil(Hex.decode("0"))
    }

    func testMalformedTokenShapes() {
        for token in ["", ".", "..", "...", "a.b", "a.b.c.d", "a..c", String(repeating: ".", count: 100_000),
                      "医.院.令", "a=.b.c", String(repeating: "A", count: TokenVerifier.maxTokenLength + 1)] {
            XCTAssertNotNil(reason(token), token.prefix(20).description)
        }
    }

    func testHostileClaimsBehindAValidSignature() {
        let header = #"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#
        XCTAssertEqual(reason(signed(header, #"{"sub":"u","exp":1e308}"#)), "bad claims", "exp too large for Int")
        XCTAssertEqual(reason(signed(header, #"{"sub":"u","exp":1e999}"#)), "bad payload")
        XCTAssertEqual(reason(signed(header, #"{"sub":"u","exp":-1e308}"#)), "expired")
        XCTAssertEqual(reason(signed(header, #"{"sub":"u","exp":99999999999999999999999}"#)), "bad claims")
        XCTAssertEqual(reason(signed(header, #"{"sub":"u","exp":1900000000,"nbf":1e308}"#)), "not yet valid")
        XCTAssertEqual(reason(signed(header, String(repeating: "[", count: 10_000))), "bad payload")
        XCTAssertEqual(reason(signed(#"{"alg":"EdDSA","kid":"k1","crit":[]}"#, "{}")), "unsupported crit")
        XCTAssertEqual(reason(signed(String(repeating: "{", count: 10_000), "{}")), "bad header")
        XCTAssertNil(reason(signed(header, #"{"sub":"u","exp":1900000000}"#)))
    }

    func testKeptFuzzCrashersAreErrors() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/crashers/Token")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            _ = Base64URL.decode(String(decoding: bytes, as: UTF8.self))
            _ = reason(String(decoding: bytes, as: UTF8.self))
        }
    }
}
