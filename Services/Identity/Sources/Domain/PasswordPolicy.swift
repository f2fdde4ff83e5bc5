import Foundation
import KitCrypto
import Models

/// The password rule: at least 8 characters, at least two of letters / digits / symbols, not
/// containing the username or phone, not a common password.
enum PasswordPolicy {
    static let ruleText = "密码至少8位，须包含字母、数字、符号中的至少两种，且不能包含用户名或手机号"
    static let common: Set<String> = [
        "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwerty123", "qwertyuiop",
        "11111111", "88888888", "abc12345", "abcd1234", "a1234567", "admin123", "admin@123", "iloveyou1",
        "1qaz2wsx", "1q2w3e4r", "qazwsx123", "asdf1234", "zxcv1234", "woaini1314", "p@ssw0rd", "passw0rd",
        "aa123456", "qq123456", "abc123456", "123qwe!@#", "a123456789", "123456abc",
    ]

    static func check(_ password: String, username: String?, phone: String?, field: String = "newPassword") throws {
        func fail(_ msg: String) -> APIError { APIError.invalid(field, msg, code: "weak_password") }
        guard password.count >= 8 else { throw fail("密码至少8位") }
        guard password.count <= 64 else { throw fail("密码不能超过64位") }
        var classes = 0
        if password.contains(where: { $0.isLetter && $0.isASCII }) { classes += 1 }
        if password.contains(where: { $0.isNumber && $0.isASCII }) { classes += 1 }
        if password.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
        guard classes >= 2 else { throw fail("密码须包含字母、数字、符号中的至少两种") }
        let lower = password.lowercased()
        if let u = username, !u.isEmpty, lower.contains(u.lowercased()) { throw fail("密码不能包含用户名") }
        if let p = phone, !p.isEmpty, lower.contains(p) { throw fail("密码不能包含手机号") }
        guard !common.contains(lower) else { throw fail("密码过于常见，请更换") }
    }

    /// A random initial password that satisfies the rule (letters, digits and a symbol).
    static func generate() -> String {
        let letters = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        let digits = Array("23456789")
        let symbols = Array("@#%&*+")
        var chars = Array(SecureRandom.string(7, alphabet: letters)) + Array(SecureRandom.string(3, alphabet: digits))
            + Array(SecureRandom.string(1, alphabet: symbols))
        // Fisher–Yates with the secure generator.
        for i in stride(from: chars.count - 1, to: 0, by: -1) {
            let j = Int(SecureRandom.bytes(1)[0]) % (i + 1)
            chars.swapAt(i, j)
        }
        return String(chars)
    }
}
