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

    public static func parse(_ s: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: s)
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
