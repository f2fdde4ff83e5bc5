import XCTest
@testable import KitCrypto

/// RFC 8032 §7.1 test vectors.
final class Ed25519Tests: XCTestCase {
    struct Vector {
        var secret: String
        var publicKey: String
        var message: String
        var signature: String
    }

    static let vectors: [Vector] = [
        Vector(secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
               publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
               message: "",
               signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                   + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Vector(secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
               publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
               message: "72",
               signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                   + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        Vector(secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
               publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
               message: "af82",
               signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                   + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    func check(_ vector: Vector, file: StaticString = #filePath, line: UInt = #line) throws {
        let seed = try XCTUnwrap(Hex.decode(vector.secret))
        let message = try XCTUnwrap(Hex.decode(vector.message))
        let expectedSignature = try XCTUnwrap(Hex.decode(vector.signature))

        let privateKey = try Ed25519PrivateKey(seed: seed)
        XCTAssertEqual(privateKey.seed, seed, file: file, line: line)
        XCTAssertEqual(Hex.encode(privateKey.publicKey.raw), vector.publicKey, file: file, line: line)

        let signature = privateKey.sign(message)
        XCTAssertEqual(Hex.encode(signature), vector.signature, file: file, line: line)

        let publicKey = try Ed25519PublicKey(raw: XCTUnwrap(Hex.decode(vector.publicKey)))
        XCTAssertEqual(publicKey, privateKey.publicKey, file: file, line: line)
        XCTAssertTrue(publicKey.verify(signature: expectedSignature, message: message), file: file, line: line)

        // Every single-bit flip of the signature must fail.
        for bit in stride(from: 0, to: 512, by: 37) {
            var flipped = expectedSignature
            flipped[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
            XCTAssertFalse(publicKey.verify(signature: flipped, message: message), "bit \(bit)", file: file, line: line)
        }
        // A modified message must fail.
        var otherMessage = message
        if otherMessage.isEmpty { otherMessage = [0] } else { otherMessage[0] ^= 0x01 }
        XCTAssertFalse(publicKey.verify(signature: expectedSignature, message: otherMessage), file: file, line: line)
        // Wrong lengths must fail.
        XCTAssertFalse(publicKey.verify(signature: Array(expectedSignature.dropLast()), message: message), file: file, line: line)
        XCTAssertFalse(publicKey.verify(signature: expectedSignature + [0], message: message), file: file, line: line)
        XCTAssertFalse(publicKey.verify(signature: [], message: message), file: file, line: line)
    }

    func testRFC8032Vector1() throws { try check(Self.vectors[0]) }
    func testRFC8032Vector2() throws { try check(Self.vectors[1]) }
    func testRFC8032Vector3() throws { try check(Self.vectors[2]) }

    func testWrongKeyDoesNotVerify() throws {
        let k1 = try Ed25519PrivateKey(seed: XCTUnwrap(Hex.decode(Self.vectors[1].secret)))
        let k2 = try Ed25519PrivateKey(seed: XCTUnwrap(Hex.decode(Self.vectors[2].secret)))
        let signature = k1.sign([0x72])
        XCTAssertTrue(k1.publicKey.verify(signature: signature, message: [0x72]))
        XCTAssertFalse(k2.publicKey.verify(signature: signature, message: [0x72]))
    }

    func testRandomKeys() throws {
        let a = Ed25519PrivateKey()
        let b = Ed25519PrivateKey()
        XCTAssertNotEqual(a.seed, b.seed)
        XCTAssertEqual(a.seed.count, 32)
        let message = Array("hello".utf8)
        let signature = a.sign(message)
        XCTAssertEqual(signature.count, 64)
        XCTAssertTrue(a.publicKey.verify(signature: signature, message: message))
        XCTAssertFalse(b.publicKey.verify(signature: signature, message: message))
        // Deterministic signatures (RFC 8032) and seed round trip.
        XCTAssertEqual(a.sign(message), signature)
        let restored = try Ed25519PrivateKey(seed: a.seed)
        XCTAssertEqual(restored.publicKey, a.publicKey)
        XCTAssertEqual(restored.sign(message), signature)
    }

    func testInvalidKeyLengths() {
        for count in [0, 31, 33, 64] {
            XCTAssertThrowsError(try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: count))) {
                XCTAssertEqual($0 as? CryptoError, .invalidKey)
            }
            XCTAssertThrowsError(try Ed25519PublicKey(raw: [UInt8](repeating: 1, count: count))) {
                XCTAssertEqual($0 as? CryptoError, .invalidKey)
            }
        }
    }

    func testKeyID() throws {
        let publicKey = try Ed25519PublicKey(raw: XCTUnwrap(Hex.decode(Self.vectors[0].publicKey)))
        // base64url(SHA-256(raw)[0..<8]) computed independently with Python.
        XCTAssertEqual(keyID(for: publicKey), "If4x36FUomE")
        XCTAssertEqual(keyID(for: Ed25519PrivateKey().publicKey).count, 11)
    }

    func testPrivateKeyDescriptionDoesNotLeakSeed() throws {
        let key = try Ed25519PrivateKey(seed: XCTUnwrap(Hex.decode(Self.vectors[0].secret)))
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, String(describing: key), String(reflecting: key), "\(key)", dumped] {
            XCTAssertFalse(text.contains(Self.vectors[0].secret), text)
            XCTAssertFalse(text.contains("seed"), text)
        }
    }
}
