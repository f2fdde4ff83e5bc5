// libFuzzer target: base64url/hex decoding and token verification (KitCrypto). Inputs starting with 0x00 are
// a header and payload (split at the first 0x01) that the harness signs with its own throw-away key, so the
// fuzzer reaches the header, time-claim and claims decoding behind the signature check; other inputs are
// verified as token strings as they arrive in Authorization headers.
import Foundation
@testable import KitCrypto

private struct Claims: Decodable { var sub: String; var exp: Double; var roles: [String]?; var iat: Date? }

private let key = try! Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))
private let verifier = TokenVerifier(keys: ["k1": key.publicKey])
private let now = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    if let decoded = Base64URL.decode(text) {
        precondition(Base64URL.encode(decoded) == text.replacingOccurrences(of: "=", with: ""), "base64url round trip")
    }
    if let decoded = Hex.decode(text) { precondition(Hex.encode(decoded) == text.lowercased(), "hex round trip") }

    let token: String
    if bytes.first == 0x00 {
        let rest = bytes.dropFirst()
        let split = rest.firstIndex(of: 0x01) ?? rest.endIndex
        let header = Array(rest[rest.startIndex..<split])
        let payload = split < rest.endIndex ? Array(rest[(split + 1)...]) : []
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        token = input + "." + Base64URL.encode(key.sign(Array(input.utf8)))
    } else {
        token = text
    }
    do {
        _ = try verifier.verify(token, as: Claims.self, now: now)
    } catch is CryptoError {
    } catch {
        preconditionFailure("not a CryptoError: \(error)")
    }
    return 0
}
