import Foundation
import XCTest
#if canImport(DocumentsService)
import DocumentsService
#else
import Forms
#endif

/// The pure-Swift SHA-256 and the verification code derived from it.
final class VerificationCodeTests: XCTestCase {
    func testSHA256KnownVectors() {
        XCTAssertEqual(FormRenderer.sha256Hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(FormRenderer.sha256Hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(FormRenderer.sha256Hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(FormRenderer.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55/56/64-byte boundaries of the padding.
        XCTAssertEqual(FormRenderer.sha256Hex([UInt8](repeating: 0x61, count: 64)),
                       "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func testCodeFormatAndStability() {
        let input = FormSamples.input
        let code = FormRenderer.verificationCode(kind: .accountApplication, input: input)
        XCTAssertEqual(code.count, 8)
        XCTAssertTrue(code.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) }, code)
        XCTAssertEqual(code, FormRenderer.verificationCode(kind: .accountApplication, input: input))
        // The payload is documented; recompute the code from it independently.
        let payload = "account-application\nAPP-2025-000123\n" + input.fields.map { "\($0.label)=\($0.value)" }.joined(separator: "\n")
        XCTAssertEqual(FormRenderer.verificationPayload(kind: .accountApplication, input: input), Array(payload.utf8))
        let hex = FormRenderer.sha256Hex(Array(payload.utf8))
        XCTAssertEqual(code, base32Prefix(hex: hex))
    }

    func testCodeDependsOnKindIDAndFieldsButNotDate() {
        let input = FormSamples.input
        let codes = Set(FormKind.allCases.map { FormRenderer.verificationCode(kind: $0, input: input) })
        XCTAssertEqual(codes.count, 4)
        var changed = input
        changed.fields[0].value = "李四"
        XCTAssertNotEqual(FormRenderer.verificationCode(kind: .termsConsent, input: changed),
                          FormRenderer.verificationCode(kind: .termsConsent, input: input))
        changed = input
        changed.applicationID = "APP-2025-000124"
        XCTAssertNotEqual(FormRenderer.verificationCode(kind: .termsConsent, input: changed),
                          FormRenderer.verificationCode(kind: .termsConsent, input: input))
        changed = input
        changed.generatedAt = Date(timeIntervalSince1970: 0)
        XCTAssertEqual(FormRenderer.verificationCode(kind: .termsConsent, input: changed),
                       FormRenderer.verificationCode(kind: .termsConsent, input: input))
    }

    func testKindsTitlesAndFileNames() {
        XCTAssertEqual(FormKind.allCases.map(\.title), ["账号申请表", "保密承诺函", "医疗机构信息收集表", "系统使用须知及同意书"])
        XCTAssertEqual(FormKind(rawValue: "institution-info"), .institutionInfo)
        XCTAssertEqual(FormKind.confidentialityPledge.fileName(applicationID: "A/B:1"), "保密承诺函-A_B_1.pdf")
    }

    /// Independent base32 (RFC 4648) of the first 40 bits of a hex digest.
    private func base32Prefix(hex: String) -> String {
        let bytes = stride(from: 0, to: 10, by: 2).map { i -> UInt64 in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt64(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)!
        }
        let bits = bytes.reduce(0) { $0 << 8 | $1 }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<8).map { alphabet[Int((bits >> UInt64(35 - 5 * $0)) & 31)] })
    }
}
