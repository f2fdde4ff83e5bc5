import Foundation
import KitCore
import KitCrypto
import Models

/// Sealing of personal identifiers (patient name, resident ID, phone) at rest: AES-256-GCM with
/// `REPORTING_DATA_KEY` (32 bytes, base64 or hex). The box is bound to its field, institution
/// and admission number (associated data), so it does not open on another row. A keyed digest
/// (HMAC-SHA-256 with a key derived from the data key) tells an unchanged value from a changed
/// one without opening boxes. In DEV_MODE without a key a fixed development key is used;
/// otherwise, without a key, anything touching personal data answers 503.
struct PersonalData: Sendable {
    private let cipher: AESGCM
    private let digestKey: KeyedHMAC

    init(key: [UInt8]) throws {
        cipher = try AESGCM(key: key)
        digestKey = KeyedHMAC(key: HMACSHA256.mac(key: key, message: "registry-digest-v1"))
    }

    static let shared: PersonalData? = {
        if let raw = Env.optional("REPORTING_DATA_KEY") {
            // A key that is set but malformed is no key (never the development one).
            guard let key = decodeKey(raw) else { return nil }
            return try? PersonalData(key: key)
        }
        if Env.bool("DEV_MODE", false) {
            return try? PersonalData(key: SHA256.hash("quality-suite development data key (not for production)"))
        }
        return nil
    }()

    static func decodeKey(_ raw: String) -> [UInt8]? {
        let s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.utf8.count == 64, let b = Hex.decode(s) { return b }
        if let d = Data(base64Encoded: s), d.count == AESGCM.keySize { return [UInt8](d) }
        if let b = Base64URL.decode(s), b.count == AESGCM.keySize { return b }
        return nil
    }

    static let missing = APIError(503, "data_key_missing", "个人信息加密密钥未配置，暂不能保存或读取含个人信息的病例")

    static func require() throws -> PersonalData {
        guard let p = shared else { throw missing }
        return p
    }

    private static func aad(_ field: String, _ orgID: String, _ admissionNo: String) -> [UInt8] {
        Array("\(field)\u{0}\(orgID)\u{0}\(admissionNo)".utf8)
    }

    func seal(_ value: String, field: String, orgID: String, admissionNo: String) throws -> String {
        Data(try cipher.seal(Array(value.utf8), aad: Self.aad(field, orgID, admissionNo))).base64EncodedString()
    }

    func open(_ box: String, field: String, orgID: String, admissionNo: String) -> String? {
        guard let d = Data(base64Encoded: box),
              let clear = cipher.open([UInt8](d), aad: Self.aad(field, orgID, admissionNo)) else { return nil }
        return String(decoding: clear, as: UTF8.self)
    }

    func digest(_ value: String, field: String) -> String {
        var message = Array(field.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        return Hex.encode(Array(digestKey.mac(message).prefix(16)))
    }
}
