/// A calendar date and time of day as a spreadsheet stores it (no time zone).
public struct ExcelDate: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    /// Seconds since midnight, 0..<86400.
    public var seconds: Int

    public init(year: Int, month: Int, day: Int, seconds: Int = 0) {
        self.year = year; self.month = month; self.day = day; self.seconds = seconds
    }

    /// `yyyy-mm-dd`, with ` hh:mm:ss` when there is a time of day.
    public var description: String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        let date = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        guard seconds != 0 else { return date }
        return date + " \(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The date of a serial number. 1900 system: 1 = 1900-01-01, 60 is Excel's fictional 1900-02-29 (nil),
    /// 61 = 1900-03-01, 0.x is a time of day on "1900-01-00" (given as 1899-12-31). 1904 system: 0 = 1904-01-01.
    /// Nil for negative serials, serial 60 (1900 system), years after 9999 and non-finite values.
    public static func fromSerial(_ serial: Double, date1904: Bool) -> ExcelDate? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var secs = Int(((serial - Double(days)) * 86400).rounded())
        if secs >= 86400 { secs -= 86400; days += 1 }
        let epoch: Int
        if date1904 {
            epoch = daysFromCivil(1904, 1, 1)
        } else {
            if days == 60 { return nil }
            epoch = days < 60 ? daysFromCivil(1899, 12, 31) : daysFromCivil(1899, 12, 30)
        }
        let (y, m, d) = civilFromDays(epoch + days)
        guard y <= 9999 else { return nil }
        return ExcelDate(year: y, month: m, day: d, seconds: secs)
    }

    /// The serial number of this date (inverse of `fromSerial`), nil before the system's epoch or when invalid.
    public func serial(date1904: Bool = false) -> Double? {
        guard (1...12).contains(month), day >= 1, day <= 31, (0..<86400).contains(seconds), (1...9999).contains(year) else { return nil }
        let days = Self.daysFromCivil(year, month, day)
        guard Self.civilFromDays(days) == (year, month, day) else { return nil }
        var n: Int
        if date1904 {
            n = days - Self.daysFromCivil(1904, 1, 1)
        } else {
            n = days - Self.daysFromCivil(1899, 12, 30)
            if n < 61 { n -= 1 }   // before 1900-03-01: no fictional 29 February in between
        }
        guard n >= 0 else { return nil }
        return Double(n) + Double(seconds) / 86400
    }
}

/// One cell's value.
public enum Cell: Equatable, Sendable {
    case empty
    case text(String)
    case number(Double)
    case date(ExcelDate)
    case bool(Bool)
    /// An error value (`#DIV/0!`, `#N/A`...).
    case error(String)
    /// A formula without a (trustworthy) cached value: "no value", never 0.
    case noValue
    /// A number formatted as a date that is no real date: serial 60 of the 1900 system (Excel's
    /// 1900-02-29), negative or beyond 9999-12-31.
    case invalidDate(Double)
}

public enum SheetState: String, Sendable {
    case visible, hidden, veryHidden
}

public struct Sheet: Equatable, Sendable {
    public var name: String
    public var state: SheetState
    /// Rows from the first (index 0 = row 1); a row holds cells up to its last non-empty one.
    public var rows: [[Cell]]
    /// Writer only: column widths in characters (column A first); empty = default widths.
    public var columnWidths: [Double]
    /// Writer only: the first row in bold.
    public var boldHeader: Bool

    public init(name: String, state: SheetState = .visible, rows: [[Cell]] = [], columnWidths: [Double] = [],
                boldHeader: Bool = false) {
        self.name = name; self.state = state; self.rows = rows; self.columnWidths = columnWidths
        self.boldHeader = boldHeader
    }
}

public struct Workbook: Equatable, Sendable {
    public var sheets: [Sheet]
    /// Global defined names → formula text (`_meta!$A$1`, `"2019"`); a name local to a sheet is keyed
    /// `Sheet name!name`.
    public var definedNames: [String: String]
    public var date1904: Bool

    public init(sheets: [Sheet], definedNames: [String: String] = [:], date1904: Bool = false) {
        self.sheets = sheets; self.definedNames = definedNames; self.date1904 = date1904
    }

    public func sheet(named name: String) -> Sheet? { sheets.first { $0.name == name } }
}

/// Spreadsheet cell references.
public enum CellRef {
    /// "A1" → (row 0, column 0); nil for anything else. Columns up to XFD (16384), rows up to 1048576.
    public static func parse(_ ref: String) -> (row: Int, column: Int)? {
        var col = 0, row = 0, letters = 0, digits = 0
        for b in ref.utf8 {
            if b >= 0x41 && b <= 0x5A || b >= 0x61 && b <= 0x7A {
                guard digits == 0, letters < 3 else { return nil }
                col = col * 26 + Int((b | 0x20) - 0x61) + 1
                letters += 1
            } else if b == 0x24 && digits == 0 {   // $A$1
                continue
            } else if b >= 0x30 && b <= 0x39 {
                guard letters > 0, digits < 7 else { return nil }
                row = row * 10 + Int(b - 0x30)
                digits += 1
            } else {
                return nil
            }
        }
        guard letters > 0, digits > 0, row >= 1, row <= 1_048_576, col <= 16384 else { return nil }
        return (row - 1, col - 1)
    }

    /// Column index 0 → "A".
    public static func column(_ index: Int) -> String {
        var n = index + 1
        var s: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            s.insert(UInt8(0x41 + r), at: 0)
            n = (n - 1) / 26
        }
        return String(decoding: s, as: UTF8.self)
    }
}
