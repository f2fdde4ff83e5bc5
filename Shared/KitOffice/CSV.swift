import Foundation

/// RFC 4180 CSV reading, lenient where Excel is: fields separated by commas, records by CRLF, LF or a lone
/// CR; quoted fields may hold commas, doubled quotes and line breaks. A quote inside an unquoted field is
/// kept as text, and text after a closing quote is appended (as Excel reads `"ab"c`). A quote left open at
/// the end of the file is refused. Blank lines are kept as `[""]` so row numbers match the file's lines of
/// records; the empty record after the final line break is dropped. Values are never trimmed.
public struct CSVReader {
    /// Decodes the bytes: UTF-8 with or without BOM, else GB18030/GBK (see `TextEncodingGuess`).
    /// Throws `OfficeError.unknownEncoding` for anything else (UTF-16, invalid sequences).
    public static func decode(_ data: Data) throws -> (text: String, encoding: TextEncodingGuess) {
        try TextDecoding.decode(data)
    }

    /// Decodes and splits into records. Throws `tooManyRows` beyond `maxRows` records and
    /// `csvFieldTooLong` for a field over `maxFieldBytes` UTF-8 bytes.
    public static func rows(_ data: Data, maxRows: Int = 200_000, maxFieldBytes: Int = 32_768) throws -> [[String]] {
        try parse(decode(data).text, maxRows: maxRows, maxFieldBytes: maxFieldBytes)
    }

    /// Splits already decoded text (see `rows`).
    public static func parse(_ text: String, maxRows: Int = 200_000, maxFieldBytes: Int = 32_768) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var fieldStarted = false   // something (even "") was read for the current field
        var line = 1               // physical line, for messages
        var recordLine = 1
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

        func endField() throws {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
        }
        func endRecord() throws {
            try endField()
            guard rows.count < maxRows else { throw OfficeError.tooManyRows(limit: maxRows) }
            rows.append(row)
            row = []
        }
        func add(_ b: UInt8) throws {
            guard field.count < maxFieldBytes else { throw OfficeError.csvFieldTooLong(line: recordLine, limit: maxFieldBytes) }
            field.append(b)
        }

        let bytes = Array(text.utf8)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if inQuotes {
                if b == quote {
                    if i + 1 < n && bytes[i + 1] == quote { try add(quote); i += 2; continue }
                    inQuotes = false; i += 1; continue
                }
                if b == lf || (b == cr && !(i + 1 < n && bytes[i + 1] == lf)) { line += 1 }
                try add(b); i += 1; continue
            }
            switch b {
            case comma:
                try endField(); i += 1
            case cr, lf:
                if b == cr && i + 1 < n && bytes[i + 1] == lf { i += 1 }
                i += 1
                try endRecord()
                line += 1; recordLine = line
            case quote where !fieldStarted && field.isEmpty:
                inQuotes = true; fieldStarted = true; i += 1
            default:
                try add(b); fieldStarted = true; i += 1
            }
        }
        if inQuotes { throw OfficeError.csvUnterminatedQuote(line: recordLine) }
        if fieldStarted || !field.isEmpty || !row.isEmpty { try endRecord() }
        return rows
    }
}

/// CSV writing for export: UTF-8 with a BOM (so Excel opens Chinese text correctly), CRLF line ends,
/// a field quoted when it holds a comma, quote, CR or LF (quotes doubled).
///
/// Formula injection: a field starting with `=`, `+`, `-`, `@`, TAB or CR would be run as a formula by a
/// spreadsheet, so it gets a leading apostrophe (`'=1+1`), which Excel shows as text. Plain numbers
/// (`-12`, `+3.5`, `-1e5`) are left alone, since a spreadsheet reads them as numbers, not formulas.
public struct CSVWriter {
    public static func data(rows: [[String]], bom: Bool = true) -> Data {
        var out: [UInt8] = bom ? [0xEF, 0xBB, 0xBF] : []
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                let safe = neutralised(value)
                if safe.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) {
                    out.append(0x22)
                    for b in safe.utf8 {
                        if b == 0x22 { out.append(0x22) }
                        out.append(b)
                    }
                    out.append(0x22)
                } else {
                    out.append(contentsOf: safe.utf8)
                }
            }
            out.append(0x0D); out.append(0x0A)
        }
        return Data(out)
    }

    /// The field as written: with a leading apostrophe when a spreadsheet would take it for a formula.
    public static func neutralised(_ value: String) -> String {
        guard let first = value.utf8.first else { return value }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D:
            return "'" + value
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            return isPlainNumber(value) ? value : "'" + value
        default:
            return value
        }
    }

    /// `[+-]digits[.digits][e[+-]digits]`, nothing else.
    static func isPlainNumber(_ s: String) -> Bool {
        var it = Array(s.utf8)[...]
        if let f = it.first, f == 0x2B || f == 0x2D { it = it.dropFirst() }
        func digits() -> Int {
            var k = 0
            while let c = it.first, c >= 0x30, c <= 0x39 { it = it.dropFirst(); k += 1 }
            return k
        }
        var count = digits()
        if it.first == 0x2E { it = it.dropFirst(); count += digits() }
        guard count > 0 else { return false }
        if let e = it.first, e == 0x65 || e == 0x45 {
            it = it.dropFirst()
            if let f = it.first, f == 0x2B || f == 0x2D { it = it.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return it.isEmpty
    }
}
