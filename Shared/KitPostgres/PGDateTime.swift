import Foundation

/// Timestamp text conversion without formatters (thread-safe, allocation-light).
enum PGDateTime {
    /// Seconds between 1970-01-01 and 2001-01-01 (Date's reference date).
    private static let referenceOffset: Int64 = 978_307_200

    /// RFC 3339 UTC with microseconds: 2024-05-06T07:08:09.123456Z (years <= 0 as "… BC").
    static func format(_ date: Date) -> String {
        let t = date.timeIntervalSinceReferenceDate
        guard t.isFinite else { return t < 0 ? "-infinity" : "infinity" }
        var whole = t.rounded(.down)
        var micros = Int64(((t - whole) * 1_000_000).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        let secs = Int64(whole) + referenceOffset
        let days = floorDiv(secs, 86_400)
        let secOfDay = secs - days * 86_400
        var (y, m, d) = civil(fromDays: days)
        var bc = false
        if y <= 0 { y = 1 - y; bc = true }
        var s = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        s += pad(secOfDay / 3600, 2) + ":" + pad(secOfDay % 3600 / 60, 2) + ":" + pad(secOfDay % 60, 2)
        s += "." + pad(micros, 6) + "Z"
        if bc { s += " BC" }
        return s
    }

    /// Parses timestamptz/timestamp/date text output in ISO DateStyle
    /// ("2024-05-06 07:08:09.123456+08", "+05:30", "+00:53:28", " BC", "infinity") and
    /// RFC 3339 ("2024-05-06T07:08:09Z"). Values without an offset are taken as UTC.
    static func parse(_ text: String) -> Date? {
        switch text {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        var u = Array(text.utf8)
        var bc = false
        if u.count > 3, u.suffix(3) == Array(" BC".utf8) { bc = true; u.removeLast(3) }
        var i = 0
        func digits(_ minCount: Int, _ maxCount: Int) -> Int64? {
            var v: Int64 = 0
            var n = 0
            while i < u.count, n < maxCount, u[i] >= 48, u[i] <= 57 {
                v = v * 10 + Int64(u[i] - 48); i += 1; n += 1
            }
            return n >= minCount ? v : nil
        }
        func expect(_ c: Character) -> Bool {
            guard i < u.count, u[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard var year = digits(4, 9), expect("-"), let month = digits(2, 2), expect("-"),
              let day = digits(2, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        if bc { year = 1 - year }
        var secOfDay: Int64 = 0
        var fraction = 0.0
        var offset: Int64 = 0
        if i < u.count {
            guard u[i] == UInt8(ascii: " ") || u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") else { return nil }
            i += 1
            guard let hh = digits(2, 2), expect(":"), let mm = digits(2, 2), expect(":"), let ss = digits(2, 2),
                  hh <= 24, mm < 60, ss <= 60 else { return nil }
            secOfDay = hh * 3600 + mm * 60 + ss
            if i < u.count, u[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                guard let f = digits(1, 18) else { return nil }
                fraction = Double(f) / pow(10, Double(i - start))
            }
            if i < u.count {
                if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
                    i += 1
                } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                    let sign: Int64 = u[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let oh = digits(2, 2) else { return nil }
                    var om: Int64 = 0, os: Int64 = 0
                    if i < u.count, u[i] == UInt8(ascii: ":") {
                        i += 1
                        guard let m = digits(2, 2) else { return nil }
                        om = m
                        if i < u.count, u[i] == UInt8(ascii: ":") {
                            i += 1
                            guard let s = digits(2, 2) else { return nil }
                            os = s
                        }
                    } else if let m = digits(2, 2) {  // +0800
                        om = m
                    }
                    offset = sign * (oh * 3600 + om * 60 + os)
                } else {
                    return nil
                }
            }
        }
        guard i == u.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let secs = days * 86_400 + secOfDay - offset - referenceOffset
        return Date(timeIntervalSinceReferenceDate: Double(secs) + fraction)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
