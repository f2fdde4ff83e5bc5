/// Validation and masking of Chinese data formats (DESIGN.md "Chinese data formats").
public enum ChineseFormats {
    /// Mainland mobile: 1[3-9] followed by 9 digits.
    public static func isMobile(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 11, b[0] == 49, (51...57).contains(b[1]) else { return false }
        return b.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// 139****0001
    public static func maskMobile(_ s: String) -> String {
        guard s.count == 11 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(3)) + "****" + String(s.suffix(4))
    }

    /// A phone number of any kind: a mobile as `maskMobile`; another (a landline, 0571-8888…)
    /// keeps its first 3 and last 2 characters (nothing when that would show it all).
    public static func maskPhone(_ s: String) -> String {
        if isMobile(s) { return maskMobile(s) }
        guard s.count > 7 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(3)) + String(repeating: "*", count: max(0, s.count - 5)) + String(s.suffix(2))
    }

    /// GB/T 2260 six-digit region code (province 330000, city 330100, county 330106).
    public static func isRegionCode(_ s: String) -> Bool {
        s.utf8.count == 6 && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// 执业许可证登记号: 22 letters or digits.
    public static func isLicenceNumber(_ s: String) -> Bool {
        s.utf8.count == 22 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }

    /// 统一社会信用代码 (GB 32100-2015): 18 characters with a mod-31 check character.
    public static func isCreditCode(_ s: String) -> Bool {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let chars = Array(s.uppercased())
        guard chars.count == 18 else { return false }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return false }
            sum += v * weights[i]
        }
        let check = (31 - sum % 31) % 31
        return alphabet[check] == chars[17]
    }

    /// Resident ID (GB 11643): 18 ASCII characters (17 digits and a digit or X, either case),
    /// ISO 7064 MOD 11-2 check digit, plausible birth date. Over bytes: imports check it for
    /// every row, and other digits than ASCII (full-width, Chinese numerals) are no ID.
    public static func isResidentID(_ s: String) -> Bool {
        let u = s.utf8
        guard u.count == 18 else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks = Array("10X98765432".utf8)
        var sum = 0, month = 0, day = 0, last: UInt8 = 0
        for (i, b) in u.enumerated() {
            if i == 17 { last = b; break }
            guard b >= 48 && b <= 57 else { return false }
            let d = Int(b - 48)
            sum += d * weights[i]
            if i == 10 || i == 11 { month = month * 10 + d }
            if i == 12 || i == 13 { day = day * 10 + d }
        }
        let check = checks[sum % 11]
        guard last == check || (check == UInt8(ascii: "X") && last == UInt8(ascii: "x")) else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// 330102********1234
    public static func maskResidentID(_ s: String) -> String {
        guard s.count == 18 else { return String(repeating: "*", count: s.count) }
        return String(s.prefix(6)) + String(repeating: "*", count: 8) + String(s.suffix(4))
    }

    /// A person's name: first character kept (张**).
    public static func maskName(_ s: String) -> String {
        guard let first = s.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, s.count - 1))
    }

    /// a***@example.com
    public static func maskEmail(_ s: String) -> String {
        guard let at = s.firstIndex(of: "@") else { return "***" }
        return String(s.prefix(1)) + "***" + String(s[at...])
    }

    public static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), s.count <= 254 else { return false }
        return !s.contains(" ") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    }
}
