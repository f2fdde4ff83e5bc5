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
    private let key: [UInt8]
    private let shiftKey: KeyedHMAC

    init(key: [UInt8]) throws {
        self.key = key
        shiftKey = KeyedHMAC(key: HMACSHA256.mac(key: key, message: "registry-date-shift-v1"))
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

    /// Days (0–364) by which a case's dates move back in a date-shifted export (REDCap-style):
    /// derived from the case id with a key derived from the data key, so the same case moves by
    /// the same days in every export and across its date fields, and the offset cannot be
    /// recomputed without the key.
    func dateShiftDays(caseID: String) -> Int {
        let mac = shiftKey.mac(Array("case\u{0}\(caseID)".utf8))
        let n = mac.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Int(n % 365)
    }

    /// A sealer for one import worker: the same boxes (`seal`'s, base64 apart) and digests
    /// (`digest`'s, hex apart) with a reused cipher context.
    func bulkSealer() throws -> BulkSealer {
        try BulkSealer(key: key, digest: digestKey)
    }

    func digest(_ value: String, field: String) -> String {
        var message = Array(field.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        return Hex.encode(Array(digestKey.mac(message).prefix(16)))
    }
}

/// Standard base64 (with padding, like `Data.base64EncodedString`) appended as bytes.
enum Base64Text {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func append(_ bytes: [UInt8], into out: inout [UInt8]) {
        var i = 0
        let n = bytes.count
        while i + 3 <= n {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        if n - i == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        } else if n - i == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
    }
}

/// Calendar arithmetic on `YYYY-MM-DD` without calendar objects (proleptic Gregorian).
enum CivilDate {
    /// Days since 1970-01-01.
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func date(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `s` (YYYY-MM-DD) moved back by `days`; nil when `s` is no such date.
    static func shifted(_ s: String, back days: Int) -> String? {
        let p = s.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]) else { return nil }
        let (y, m, d) = date(self.days(p[0], p[1], p[2]) - days)
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
