import Foundation
import KitCore

/// How often a program reports.
enum PeriodType: String, Codable, Sendable {
    case week, month, quarter, year
}

/// One reporting period in China Standard Time: `start` inclusive, `end` exclusive (local
/// midnights). Keys: `2019-01` (month), `2024` (year), `2020-Q1` (quarter), `2019-W01` (ISO week).
/// Keys of one type compare as text in period order, which is how versions are chosen.
struct Period: Sendable, Equatable {
    let type: PeriodType
    let key: String
    let start: Date
    let end: Date
    let label: String

    static let firstYear = 2000
    static let lastYear = 2100

    static var calendar: Calendar { Time.chinaCalendar }

    static var isoCalendar: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = Time.china
        return c
    }

    /// Parses a period key of `type`; nil when it is not one (bounds checked, ASCII only).
    static func parse(_ key: String, _ type: PeriodType) -> Period? {
        let b = Array(key.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from >= 0, count > 0, from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        guard b.count >= 4, let year = number(0, 4), (firstYear...lastYear).contains(year) else { return nil }
        switch type {
        case .year:
            guard b.count == 4 else { return nil }
            return make(type, year: year, month: 1)
        case .month:
            guard b.count == 7, b[4] == 0x2D, let m = number(5, 2), (1...12).contains(m) else { return nil }
            return make(type, year: year, month: m)
        case .quarter:
            guard b.count == 7, b[4] == 0x2D, b[5] == 0x51, let q = number(6, 1), (1...4).contains(q) else { return nil }
            return make(type, year: year, month: (q - 1) * 3 + 1)
        case .week:
            guard b.count == 8, b[4] == 0x2D, b[5] == 0x57, let w = number(6, 2), (1...53).contains(w) else { return nil }
            return week(year: year, week: w)
        }
    }

    /// The period of `type` containing `date`.
    static func containing(_ date: Date, _ type: PeriodType) -> Period? {
        switch type {
        case .week:
            let c = isoCalendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            guard let y = c.yearForWeekOfYear, let w = c.weekOfYear else { return nil }
            return week(year: y, week: w)
        case .month, .quarter, .year:
            let c = calendar.dateComponents([.year, .month], from: date)
            guard let y = c.year, let m = c.month, (firstYear...lastYear).contains(y) else { return nil }
            switch type {
            case .month: return make(type, year: y, month: m)
            case .quarter: return make(type, year: y, month: ((m - 1) / 3) * 3 + 1)
            default: return make(type, year: y, month: 1)
            }
        }
    }

    /// The period before this one.
    var previous: Period? { Period.containing(start.addingTimeInterval(-1), type) }

    private static func make(_ type: PeriodType, year: Int, month: Int) -> Period? {
        let cal = calendar
        guard let start = cal.date(from: DateComponents(year: year, month: month, day: 1)) else { return nil }
        let months: Int, key: String, label: String
        switch type {
        case .month:
            months = 1; key = String(format: "%04d-%02d", year, month); label = "\(year)年\(month)月"
        case .quarter:
            let q = (month - 1) / 3 + 1
            months = 3; key = "\(year)-Q\(q)"; label = "\(year)年第\(q)季度"
        default:
            months = 12; key = String(format: "%04d", year); label = "\(year)年度"
        }
        guard let end = cal.date(byAdding: .month, value: months, to: start) else { return nil }
        return Period(type: type, key: key, start: start, end: end, label: label)
    }

    private static func week(year: Int, week: Int) -> Period? {
        let cal = isoCalendar
        var c = DateComponents()
        c.yearForWeekOfYear = year
        c.weekOfYear = week
        c.weekday = 2 // Monday
        guard let start = cal.date(from: c) else { return nil }
        let back = cal.dateComponents([.yearForWeekOfYear, .weekOfYear], from: start)
        guard back.yearForWeekOfYear == year, back.weekOfYear == week,
              let end = cal.date(byAdding: .day, value: 7, to: start) else { return nil }
        return Period(type: .week, key: String(format: "%04d-W%02d", year, week), start: start, end: end,
                      label: "\(year)年第\(week)周（\(Time.chinaDay(start).dropFirst(5))起）")
    }
}

/// When a period can be entered: [opensAt, closesAt). `deadline` is the last day (CST) on
/// which entry is on time.
struct Window: Sendable, Equatable {
    let opensAt: Date
    let closesAt: Date

    var deadline: String { Time.chinaDay(closesAt.addingTimeInterval(-1)) }
    var opensOn: String { Time.chinaDay(opensAt) }

    /// Whole CST days from today to the deadline day (0 on the day, negative after).
    func daysLeft(now: Date) -> Int {
        let cal = Period.calendar
        let today = cal.startOfDay(for: now)
        let last = cal.startOfDay(for: closesAt.addingTimeInterval(-1))
        return cal.dateComponents([.day], from: today, to: last).day ?? 0
    }

    func isOpen(_ now: Date) -> Bool { now >= opensAt && now < closesAt }
    func isPast(_ now: Date) -> Bool { now >= closesAt }
}
