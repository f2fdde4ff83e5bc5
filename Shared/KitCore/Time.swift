import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Time conventions: stored as timestamptz; "today", periods and deadlines in China Standard
/// Time whatever the server's zone; API times RFC 3339 with offset.
public enum Time {
    public static let china = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// RFC 3339 in +08:00 with milliseconds, e.g. 2026-11-26T00:11:39.123+08:00.
    public static func rfc3339(_ date: Date) -> String {
        let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t((totalMs / 1000) + 8 * 3600)
        let ms = Int((totalMs % 1000 + 1000) % 1000)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(Int(tm.tm_year) + 1900, 4))-\(pad(Int(tm.tm_mon) + 1, 2))-\(pad(Int(tm.tm_mday), 2))T"
            + "\(pad(Int(tm.tm_hour), 2)):\(pad(Int(tm.tm_min), 2)):\(pad(Int(tm.tm_sec), 2)).\(pad(ms, 3))+08:00"
    }

    /// Parses an RFC 3339 date-time, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t`/`z`, `±HHMM` and `±HH`
    /// accepted too), as request bodies carry them, to millisecond precision (further digits are truncated).
    /// nil for anything else: calendar-invalid dates (2026-02-30), hours past 23, minutes or seconds past 59,
    /// offsets past ±23:59, year 0000, more than 64 bytes.
    ///
    /// Hand-written with bounded, checked arithmetic on purpose: ICU's date parser behind
    /// `ISO8601DateFormatter`, which this replaces, dies of SIGFPE on a fraction of ~100 digits
    /// (`"2026-11-26T00:11:39.1238888…8+08:00"`), so a JSON body could kill any service that decodes a `Date`.
    public static func parse(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count >= 20, b.count <= 64 else { return nil }
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at >= 0, at + n <= b.count else { return nil }
            var v = 0
            for i in at..<(at + n) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)  // n ≤ 4: cannot overflow
            }
            return v
        }
        guard let year = digits(0, 4), b[4] == 0x2D, let month = digits(5, 2), b[7] == 0x2D, let day = digits(8, 2),
              b[10] == 0x54 || b[10] == 0x74, let hour = digits(11, 2), b[13] == 0x3A, let minute = digits(14, 2),
              b[16] == 0x3A, let second = digits(17, 2) else { return nil }
        guard year >= 1, (1...12).contains(month), hour <= 23, minute <= 59, second <= 59 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day >= 1, day <= monthDays[month - 1] else { return nil }

        var i = 19
        var millis = 0  // milliseconds, truncated as Foundation's formatter did: digits past the third are ignored
        if i < b.count, b[i] == 0x2E {
            i += 1
            var count = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if count < 3 { millis = millis * 10 + Int(b[i] - 0x30) }
                count += 1; i += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 3)..<3 { millis *= 10 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case 0x5A, 0x7A:  // Z z
            guard i + 1 == b.count else { return nil }
        case 0x2B, 0x2D:  // + -  (±HH:MM; also ±HHMM and ±HH, which the formatter this replaces accepted)
            let rest = b.count - i - 1
            guard let oh = digits(i + 1, 2), oh <= 23 else { return nil }
            var om = 0
            switch rest {
            case 2: break
            case 4: guard let m = digits(i + 3, 2) else { return nil }; om = m
            case 5: guard b[i + 3] == 0x3A, let m = digits(i + 4, 2) else { return nil }; om = m
            default: return nil
            }
            guard om <= 59 else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 0x2D ? -1 : 1)
        default:
            return nil
        }
        // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); all small numbers.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        // Whole milliseconds over one division: the same Double the formatter produced.
        return Date(timeIntervalSince1970: Double(seconds * 1000 + millis) / 1000)
    }

    /// Calendar in China Standard Time.
    public static var chinaCalendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = china
        return c
    }

    /// Today's date in China as yyyy-MM-dd.
    public static func chinaDay(_ date: Date = Date()) -> String {
        let c = chinaCalendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
