import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Clock helpers for the event loop: a monotonic millisecond clock and the IMF-fixdate and
/// log timestamp strings, recomputed once per second per loop rather than per request.
enum Clock {
    static func monotonicMillis() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }

    static func monotonicMicros() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
    }

    static func wallMillis() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Wed, 25 Nov 2026 16:11:39 GMT"
    static func imfFixdate(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        return "\(days[Int(tm.tm_wday)]), \(two(Int(tm.tm_mday))) \(months[Int(tm.tm_mon)]) \(Int(tm.tm_year) + 1900) \(two(Int(tm.tm_hour))):\(two(Int(tm.tm_min))):\(two(Int(tm.tm_sec))) GMT"
    }

    /// "2026-11-26T00:11:39" in China Standard Time (UTC+8), for log lines.
    static func chinaSecond(_ seconds: Int) -> String {
        var t = time_t(seconds + 8 * 3600)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        return "\(Int(tm.tm_year) + 1900)-\(two(Int(tm.tm_mon) + 1))-\(two(Int(tm.tm_mday)))T\(two(Int(tm.tm_hour))):\(two(Int(tm.tm_min))):\(two(Int(tm.tm_sec)))"
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
