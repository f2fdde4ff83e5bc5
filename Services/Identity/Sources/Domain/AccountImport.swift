import Foundation
import KitOffice
import Models

/// Limits of an account import (docs/accounts.md).
enum AccountImportLimits {
    /// Largest file accepted (413 `payload_too_large` before the body is read).
    static let maxBytes = 5 << 20
    /// Data rows per file (422 `too_many_rows`).
    static let maxRows = 5_000
}

/// One institution and its administrator, as a row of the import file.
struct ImportRow: Codable, Sendable, Equatable {
    var row: Int
    var name: String
    var creditCode: String?
    var regionCode: String
    var level: String?
    var category: String?
    var adminName: String
    var adminPhone: String
    var adminEmail: String?
    var programs: [String]
}

/// A refused cell: row (1-based, as the spreadsheet numbers it), column header, value, Chinese message.
struct ImportIssue: Codable, Sendable, Equatable {
    var row: Int
    var column: String
    var value: String
    var code: String
    var message: String
}

/// Reading and checking an import file, without the database (AccountImportStore adds the
/// checks against existing regions, organisations and phones).
enum AccountImport {
    enum Field: String, CaseIterable {
        case name, creditCode, regionCode, level, category, adminName, adminPhone, adminEmail, programs
    }

    /// Accepted column headers (the first is the one the template and messages use).
    static let headers: [Field: [String]] = [
        .name: ["机构名称", "医疗机构名称", "单位名称"],
        .creditCode: ["统一社会信用代码", "社会信用代码"],
        .regionCode: ["行政区划代码", "地区代码", "区划代码"],
        .level: ["机构级别", "级别", "医院级别"],
        .category: ["机构类别", "类别", "医院类别"],
        .adminName: ["管理员姓名", "管理员"],
        .adminPhone: ["管理员手机", "管理员手机号", "管理员手机号码"],
        .adminEmail: ["管理员邮箱", "管理员电子邮箱"],
        .programs: ["项目", "填报项目"],
    ]
    static let required: [Field] = [.name, .regionCode, .adminName, .adminPhone]

    static func title(_ f: Field) -> String { headers[f]![0] }

    /// The cells of a file as text rows: XLSX (by its zip or OLE magic) or CSV in UTF-8, GB18030
    /// or GBK. Returns the rows and the format and encoding seen.
    static func table(_ bytes: [UInt8]) throws -> (rows: [[String]], format: String, encoding: String?) {
        guard !bytes.isEmpty else { throw APIError.invalid("file", "文件为空", code: "empty_file") }
        let zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04], ole: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0]
        let head = Array(bytes.prefix(4))
        do {
            if head == zip || head == ole {
                let book = try XLSXReader.read(bytes: bytes, limits: XLSXLimits(maxRows: maxScanRows, maxColumns: 64, maxCells: maxScanRows * 64))
                guard let sheet = book.sheets.first(where: { $0.state == .visible }) else {
                    throw APIError.invalid("file", "工作簿中没有可见的工作表", code: "empty_file")
                }
                return (sheet.rows.map { $0.map(Self.text) }, "xlsx", nil)
            }
            let (text, encoding) = try CSVReader.decode(Data(bytes))
            let rows = try CSVReader.parse(text, maxRows: maxScanRows, maxFieldBytes: 4_096)
            let enc: String
            switch encoding {
            case .utf8, .utf8BOM: enc = "utf-8"
            case .gb18030: enc = "gb18030"
            case .gbk: enc = "gbk"
            }
            return (rows, "csv", enc)
        } catch let e as OfficeError {
            if e.code == "too_many_rows" { throw tooMany }
            throw APIError.invalid("file", e.message, code: e.code)
        }
    }

    /// Header, blank lines and a margin: the reader stops well before a huge file is held.
    static let maxScanRows = AccountImportLimits.maxRows + 1_000
    static let tooMany = APIError.invalid("file", "文件超过\(AccountImportLimits.maxRows)行，请分批导入", code: "too_many_rows")

    static func text(_ c: Cell) -> String {
        switch c {
        case .empty, .noValue, .error: return ""
        case .text(let s): return s
        case .number(let d):
            // Phones and codes typed as numbers: 13812345678, 330106.
            if d.rounded() == d, abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .date(let d): return d.description
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .invalidDate(let d): return String(d)
        }
    }

    /// Splits a 项目 cell ("NCIS；脑卒中登记") into program codes; nil for an unknown one.
    static func programs(_ cell: String) -> [String]? {
        let parts = cell.split(whereSeparator: { ",，;；、/ ".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var out: [String] = []
        for p in parts {
            let lower = p.lowercased()
            let code = RegistrationRules.programs.first { $0.code == lower || $0.title == p || $0.title.lowercased().contains("（\(lower)）") }?.code
                ?? ["脑卒中登记": "stroke", "脑卒中": "stroke", "浙江": "zhejiang", "浙江省月度指标": "zhejiang", "流感监测": "hqms"][p]
            guard let c = code else { return nil }
            if !out.contains(c) { out.append(c) }
        }
        return out
    }

    /// Rows of the table checked one by one and against each other. Whole-file problems
    /// (no header, a required column missing, too many rows) throw.
    static func check(_ table: [[String]]) throws -> (rows: [ImportRow], issues: [ImportIssue], refusedRegions: [(row: Int, code: String)]) {
        func clean(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let headerIndex = table.firstIndex(where: { $0.contains { !clean($0).isEmpty } }) else {
            throw APIError.invalid("file", "文件中没有数据", code: "empty_file")
        }
        let header = table[headerIndex].map { clean($0).replacingOccurrences(of: "*", with: "") }
        var columns: [Field: Int] = [:]
        for (i, h) in header.enumerated() {
            if let f = Field.allCases.first(where: { headers[$0]!.contains(h) }), columns[f] == nil { columns[f] = i }
        }
        let missing = required.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw APIError.invalid("file", "缺少必填列：" + missing.map(title).joined(separator: "、"), code: "missing_column")
        }
        let data = table[(headerIndex + 1)...].enumerated().filter { _, r in r.contains { !clean($0).isEmpty } }
        guard data.count <= AccountImportLimits.maxRows else { throw tooMany }
        guard !data.isEmpty else { throw APIError.invalid("file", "文件中没有数据行", code: "empty_file") }

        var rows: [ImportRow] = []
        var issues: [ImportIssue] = []
        // Well-formed region codes of refused rows: the dry run still says when they do not exist.
        var refusedRegions: [(row: Int, code: String)] = []
        var seenOrg: [String: Int] = [:], seenCredit: [String: Int] = [:], seenPhone: [String: Int] = [:]
        for (offset, cells) in data {
            let rowNo = headerIndex + 2 + offset
            func value(_ f: Field) -> String {
                guard let i = columns[f], i < cells.count else { return "" }
                return clean(cells[i])
            }
            var bad: [ImportIssue] = []
            func issue(_ f: Field, _ code: String, _ message: String) {
                bad.append(ImportIssue(row: rowNo, column: title(f), value: value(f), code: code, message: message))
            }
            let name = value(.name), region = value(.regionCode), adminName = value(.adminName), phone = value(.adminPhone)
            let credit = value(.creditCode).uppercased(), email = value(.adminEmail), level = value(.level), category = value(.category)
            if name.isEmpty { issue(.name, "missing_field", "请填写机构名称") }
            else if name.count < 2 || name.count > 100 { issue(.name, "invalid_field", "机构名称应为2至100个字符") }
            if region.isEmpty { issue(.regionCode, "missing_field", "请填写行政区划代码") }
            else if region.count != 6 || !region.allSatisfy({ $0.isASCII && $0.isNumber }) {
                issue(.regionCode, "invalid_region", "行政区划代码应为6位数字（GB/T 2260）")
            }
            if !credit.isEmpty, !ChineseFormats.isCreditCode(credit) { issue(.creditCode, "invalid_credit_code", "统一社会信用代码格式不正确") }
            if level.count > 30 { issue(.level, "invalid_field", "机构级别不能超过30个字符") }
            if category.count > 30 { issue(.category, "invalid_field", "机构类别不能超过30个字符") }
            if adminName.isEmpty { issue(.adminName, "missing_field", "请填写管理员姓名") }
            else if !(2...30).contains(adminName.count) { issue(.adminName, "invalid_field", "姓名应为2至30个字符") }
            if phone.isEmpty { issue(.adminPhone, "missing_field", "请填写管理员手机") }
            else if !ChineseFormats.isMobile(phone) { issue(.adminPhone, "invalid_phone", "请输入正确的11位手机号") }
            if !email.isEmpty, !ChineseFormats.isEmail(email) { issue(.adminEmail, "invalid_email", "请输入正确的电子邮箱") }
            let progs = programs(value(.programs))
            if progs == nil { issue(.programs, "invalid_program", "不支持的填报项目（可填 NCCQI、NCIS、脑卒中登记、HQMS、浙江）") }
            // Duplicates inside the file: the later row is refused and names the first.
            if !name.isEmpty, !region.isEmpty {
                let key = region + "|" + name
                if let first = seenOrg[key] { issue(.name, "duplicate_in_file", "与第\(first)行的机构重复") } else { seenOrg[key] = rowNo }
            }
            if !credit.isEmpty {
                if let first = seenCredit[credit] { issue(.creditCode, "duplicate_in_file", "与第\(first)行的统一社会信用代码重复") } else { seenCredit[credit] = rowNo }
            }
            if !phone.isEmpty {
                if let first = seenPhone[phone] { issue(.adminPhone, "duplicate_in_file", "与第\(first)行的管理员手机重复") } else { seenPhone[phone] = rowNo }
            }
            if bad.isEmpty {
                rows.append(ImportRow(row: rowNo, name: name, creditCode: credit.isEmpty ? nil : credit, regionCode: region,
                                      level: level.isEmpty ? nil : level, category: category.isEmpty ? nil : category,
                                      adminName: adminName, adminPhone: phone, adminEmail: email.isEmpty ? nil : email,
                                      programs: progs ?? []))
            } else if !bad.contains(where: { $0.column == title(.regionCode) }) && !region.isEmpty { refusedRegions.append((rowNo, region)) }
            issues += bad
        }
        return (rows, issues, refusedRegions)
    }
}

/// A login name one chooses (activation, renaming): 4 to 20 characters, ASCII letters, digits,
/// `_` or `.`, starting with a letter (so never a phone number); unique ignoring case.
enum LoginName {
    static let ruleText = "用户名应为4至20位，以字母开头，只能包含字母、数字、下划线或点"

    static func check(_ s: String, field: String = "username") throws {
        guard (4...20).contains(s.count), let first = s.first, first.isASCII, first.isLetter,
              s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) else {
            throw APIError.invalid(field, ruleText, code: "invalid_username")
        }
    }
}
