// office-tool: KitOffice from the command line, for the peer tests (Tests/e2e/test_office_peers.py) and by hand.
//
//   office-tool xlsx2json FILE.xlsx      the workbook as JSON (sheets, states, rows, defined names)
//   office-tool json2xlsx IN.json OUT.xlsx   a workbook from the same JSON shape
//   office-tool csv2json FILE.csv        {"encoding": ..., "rows": [[...]]}
//   office-tool csv2xlsx IN.csv OUT.xlsx     one sheet of text cells, header row bold
//   office-tool xlsx2csv IN.xlsx OUT.csv     the first visible sheet (UTF-8 with BOM)
//   office-tool count FILE.xlsx|FILE.csv     rows and cells per sheet (times the readers alone)
//
// Cells in JSON: null (empty), a string (text), a number, {"bool": true}, {"date": "yyyy-mm-dd[ hh:mm:ss]"},
// {"error": "#N/A"}, {"noValue": true}, {"invalidDate": 60}. Refusals print {"error": {"code", "message"}}
// and exit 2.
import Foundation
import KitOffice

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
}

func emit(_ object: Any) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { fail("json") }
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

func read(_ path: String) -> Data {
    guard let d = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
    return d
}

func write(_ bytes: [UInt8], _ path: String) {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fail("cannot write \(path)") }
}

func json(_ cell: Cell) -> Any {
    switch cell {
    case .empty: return NSNull()
    case .text(let s): return s
    case .number(let d): return d
    case .bool(let b): return ["bool": b]
    case .date(let d): return ["date": d.description]
    case .error(let e): return ["error": e]
    case .noValue: return ["noValue": true]
    case .invalidDate(let d): return ["invalidDate": d.isFinite ? d : 0]
    }
}

func cell(_ any: Any) -> Cell {
    switch any {
    case is NSNull: return .empty
    case let s as String: return .text(s)
    case let n as NSNumber:
        return .number(n.doubleValue)
    case let o as [String: Any]:
        if let d = o["date"] as? String {
            let p = d.split(whereSeparator: { "- :".contains($0) }).compactMap { Int($0) }
            guard p.count == 3 || p.count == 6 else { fail("bad date \(d)") }
            let secs = p.count == 6 ? p[3] * 3600 + p[4] * 60 + p[5] : 0
            return .date(ExcelDate(year: p[0], month: p[1], day: p[2], seconds: secs))
        }
        if let e = o["error"] as? String { return .error(e) }
        if let b = o["bool"] as? NSNumber { return .bool(b.intValue != 0) }
        return .noValue
    default: fail("bad cell \(any)")
    }
}

func refuse(_ body: () throws -> Void) {
    do { try body() } catch let e as OfficeError {
        emit(["error": ["code": e.code, "message": e.message]])
        exit(2)
    } catch { fail("\(error)") }
}

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: office-tool xlsx2json|json2xlsx|csv2json|csv2xlsx|xlsx2csv FILE [OUT]") }
refuse {
    switch args[1] {
    case "xlsx2json":
        let book = try XLSXReader.read(read(args[2]))
        emit([
            "date1904": book.date1904,
            "definedNames": book.definedNames,
            "sheets": book.sheets.map { ["name": $0.name, "state": $0.state.rawValue, "rows": $0.rows.map { $0.map(json) }] as [String: Any] },
        ])
    case "count":   // rows and cells per sheet, no JSON: for timing the reader alone
        let data = read(args[2])
        if args[2].hasSuffix(".csv") {
            let rows = try CSVReader.rows(data)
            print("rows \(rows.count) cells \(rows.reduce(0) { $0 + $1.count })")
        } else {
            for sheet in try XLSXReader.read(data).sheets {
                print("\(sheet.name) rows \(sheet.rows.count) cells \(sheet.rows.reduce(0) { $0 + $1.count })")
            }
        }
    case "json2xlsx" where args.count == 4:
        guard let o = try JSONSerialization.jsonObject(with: read(args[2])) as? [String: Any],
              let sheets = o["sheets"] as? [[String: Any]] else { fail("bad json") }
        let book = Workbook(sheets: sheets.map { s in
            Sheet(name: s["name"] as? String ?? "Sheet1",
                  state: SheetState(rawValue: s["state"] as? String ?? "visible") ?? .visible,
                  rows: (s["rows"] as? [[Any]] ?? []).map { $0.map(cell) },
                  columnWidths: (s["columnWidths"] as? [Double]) ?? [],
                  boldHeader: s["boldHeader"] as? Bool ?? false)
        }, definedNames: o["definedNames"] as? [String: String] ?? [:])
        write(try XLSXWriter.data(book), args[3])
    case "csv2json":
        let data = read(args[2])
        let decoded = try CSVReader.decode(data)
        emit(["encoding": "\(decoded.encoding)", "rows": try CSVReader.rows(data)])
    case "csv2xlsx" where args.count == 4:
        let rows = try CSVReader.rows(read(args[2]))
        let book = Workbook(sheets: [Sheet(name: "Sheet1", rows: rows.map { $0.map { Cell.text($0) } }, boldHeader: true)])
        write(try XLSXWriter.data(book), args[3])
    case "xlsx2csv" where args.count == 4:
        let book = try XLSXReader.read(read(args[2]))
        guard let sheet = book.sheets.first(where: { $0.state == .visible }) else { fail("no visible sheet") }
        let rows: [[String]] = sheet.rows.map { row in
            row.map { c in
                switch c {
                case .empty, .noValue: return ""
                case .text(let s): return s
                case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
                case .bool(let b): return b ? "TRUE" : "FALSE"
                case .date(let d): return d.description
                case .error(let e): return e
                case .invalidDate: return "#DATE!"
                }
            }
        }
        write(Array(CSVWriter.data(rows: rows)), args[3])
    default:
        fail("unknown command \(args[1])")
    }
}
