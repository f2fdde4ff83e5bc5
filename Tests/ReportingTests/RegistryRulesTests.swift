import Foundation
import XCTest
import KitCore
import KitPostgres
import Models
@testable import ReportingService

/// The checks of registry values (entry and imports share them), header matching, masking and
/// the sealing of personal identifiers.
final class RegistryRulesTests: XCTestCase {
    func field(_ code: String, _ label: String, _ type: RegistryFieldType, required: Bool = false, key: Bool = false,
               identifier: Bool = false, mask: String? = nil, min: Decimal? = nil, max: Decimal? = nil, decimals: Int = 2,
               maxLength: Int = 40, choices: [String] = []) -> RegistryField {
        RegistryField(code: code, label: label, type: type, required: required, isKey: key, identifier: identifier, mask: mask,
                      minValue: min, maxValue: max, decimals: decimals, maxLength: maxLength, choices: choices, help: "")
    }

    lazy var ivt = RegistryDefinition(
        id: "r", programID: "p", programCode: "stroke_annual", code: "stroke_ivt", version: "2018", name: "溶栓", shortName: "溶栓个案",
        firstPeriod: "2018", lastPeriod: nil,
        fields: [field("ADM", "住院号", .text, required: true, key: true),
                 field("NAME", "患者姓名", .text, identifier: true, mask: "name"),
                 field("IDNO", "身份证号", .text, identifier: true, mask: "resident_id", maxLength: 18),
                 field("TDATE", "溶栓日期", .date),
                 field("NIHSS0", "治疗前NIHSS评分", .integer, required: true, min: 0, max: 42),
                 field("DRUG", "溶栓药物", .choice, required: true, choices: ["阿替普酶", "其他"]),
                 field("DRUG2", "其他溶栓药", .text),
                 field("MRS", "出院时mRS评分", .integer, required: true, min: 0, max: 6),
                 field("WT", "体重", .decimal, min: 0, max: 300, decimals: 1)],
        rules: [RegistryRule(field: "DRUG2", whenField: "DRUG", whenValue: "其他", message: "溶栓药物为“其他”时，必须填写其他溶栓药")])

    /// The normalised value, "" for a blank, nil when refused.
    func value(_ raw: String, _ code: String) -> String? {
        switch CaseRules.check(raw, ivt.field(code)!) {
        case .success(let v): return v ?? ""
        case .failure: return nil
        }
    }

    func testScoresStayWithinTheirScales() {
        XCTAssertEqual(value("0", "NIHSS0"), "0")
        XCTAssertEqual(value("42", "NIHSS0"), "42")
        guard case .failure(let e) = CaseRules.check("43", ivt.field("NIHSS0")!) else { return XCTFail("43 accepted") }
        XCTAssertEqual(e.code, "out_of_range")
        XCTAssertEqual(e.message, "治疗前NIHSS评分不能大于42")
        guard case .failure(let m) = CaseRules.check("7", ivt.field("MRS")!) else { return XCTFail("mRS 7 accepted") }
        XCTAssertEqual(m.message, "出院时mRS评分不能大于6")
        for bad in ["-1", "3.5", "三", "1e2", "0x10"] {
            if case .success = CaseRules.check(bad, ivt.field("NIHSS0")!) { XCTFail(bad) }
        }
        XCTAssertEqual(value("", "NIHSS0"), "")   // blank: not a value
        XCTAssertEqual(value("72.5", "WT"), "72.5")
        XCTAssertNil(value("72.55", "WT"))                  // one decimal at most
        // Past the plain-integer fast path, the form engine's rule (ValueRules.checkNumber) and messages.
        guard case .failure(let d) = CaseRules.check("72.55", ivt.field("WT")!) else { return XCTFail("72.55 accepted") }
        XCTAssertEqual(d, CellError(code: "invalid_value", message: "体重最多保留1位小数"))
        guard case .failure(let n) = CaseRules.check("-1", ivt.field("NIHSS0")!) else { return XCTFail("-1 accepted") }
        XCTAssertEqual(n, CellError(code: "out_of_range", message: "治疗前NIHSS评分不能小于0"))
    }

    func testAdmissionNumbersKeepLeadingZerosAndRefuseOddCharacters() {
        XCTAssertEqual(value("000123", "ADM"), "000123")
        XCTAssertEqual(value(" ZY-0012_a ", "ADM"), "ZY-0012_a")
        for bad in ["12 34", "住院1", "1;DROP", String(repeating: "1", count: 41), "a\u{0}b"] {
            XCTAssertNil(value(bad, "ADM"), bad)
        }
    }

    func testDatesAndChoices() {
        XCTAssertEqual(value("2024/1/5", "TDATE"), "2024-01-05")
        XCTAssertEqual(value("2024-12-31", "TDATE"), "2024-12-31")
        XCTAssertEqual(value("2024.02.29", "TDATE"), "2024-02-29")
        for bad in ["2023-02-29", "2024-13-01", "24-1-5", "2024/1", "2024-01-05T00:00"] { XCTAssertNil(value(bad, "TDATE"), bad) }
        XCTAssertEqual(value("阿替普酶", "DRUG"), "阿替普酶")
        XCTAssertNil(value("rt-PA", "DRUG"))
    }

    func testResidentIDsAreChecked() {
        XCTAssertEqual(value("11010519491231002x", "IDNO"), "11010519491231002X")
        XCTAssertNil(value("110105194912310021", "IDNO"))
    }

    func testRowChecksRulesAndMissingRequiredFields() {
        let cells = ["0001", "张三", "", "2024-03-01", "12", "其他", "", "2", ""]
        let (row, problems) = CaseRules.checkRow(ivt, cells: cells, row: 5)
        XCTAssertNil(row)
        XCTAssertEqual(problems.map(\.field), ["DRUG2"])
        XCTAssertEqual(problems.first?.row, 5)
        XCTAssertEqual(problems.first?.code, "rule_violation")

        let (ok, none) = CaseRules.checkRow(ivt, cells: ["0002", "李四", "", "", "", "阿替普酶", "", "", ""], row: 6)
        XCTAssertTrue(none.isEmpty)
        XCTAssertEqual(ok?.admissionNo, "0002")
        XCTAssertEqual(ok?.missing, ["NIHSS0", "MRS"])   // fatal only for a new case (decided in SQL)
        XCTAssertEqual(ok?.values["NAME"], "李四")

        let (_, keyless) = CaseRules.checkRow(ivt, cells: ["", "王五"], row: 7)
        XCTAssertEqual(keyless.first?.message, "住院号不能为空")

        XCTAssertEqual(CaseRules.completeness(ivt, values: ["NIHSS0": "3", "DRUG": "阿替普酶"]).map(\.field), ["MRS"])
    }

    func testHeadersMatchTheTemplateExactly() {
        let labels = ivt.columns
        XCTAssertTrue(CaseRules.headerMatches(labels, ivt))
        XCTAssertTrue(CaseRules.headerMatches(["\u{FEFF}住院号*"] + labels.dropFirst() + ["", ""], ivt))
        XCTAssertFalse(CaseRules.headerMatches(Array(labels.dropLast()), ivt))
        XCTAssertFalse(CaseRules.headerMatches([labels[1], labels[0]] + labels.dropFirst(2), ivt))
    }

    func testIdentifiersAreMaskedInLists() {
        XCTAssertNotEqual(CaseRules.masked("张三丰", ivt.field("NAME")!), "张三丰")
        XCTAssertTrue(CaseRules.masked("张三丰", ivt.field("NAME")!).hasPrefix("张"))
        let id = CaseRules.masked("11010519491231002X", ivt.field("IDNO")!)
        XCTAssertFalse(id.contains("19491231"))
        let phone = field("TEL", "联系电话", .text, identifier: true, mask: "mobile")
        XCTAssertEqual(CaseRules.masked("13957681913", phone), "139****1913")
        XCTAssertEqual(CaseRules.masked("0571-87654321", phone), "057********21")
        XCTAssertEqual(ChineseFormats.maskPhone("8765432"), "*******")   // too short to show any of it
    }

    func testPersonalDataIsSealedToItsRow() throws {
        let keys = try PersonalData(key: Array(repeating: 7, count: 32))
        let box = try keys.seal("张三", field: "NAME", orgID: "org-a", admissionNo: "0001")
        XCTAssertFalse(box.contains("张三"))
        XCTAssertEqual(keys.open(box, field: "NAME", orgID: "org-a", admissionNo: "0001"), "张三")
        XCTAssertNil(keys.open(box, field: "NAME", orgID: "org-b", admissionNo: "0001"))
        XCTAssertNil(keys.open(box, field: "NAME", orgID: "org-a", admissionNo: "0002"))
        XCTAssertNotEqual(try keys.seal("张三", field: "NAME", orgID: "org-a", admissionNo: "0001"), box)   // fresh nonce
        XCTAssertEqual(keys.digest("张三", field: "NAME"), keys.digest("张三", field: "NAME"))
        XCTAssertNotEqual(keys.digest("张三", field: "NAME"), keys.digest("张四", field: "NAME"))
        var tampered = [UInt8](Data(base64Encoded: box)!)
        tampered[tampered.count - 1] ^= 1
        XCTAssertNil(keys.open(Data(tampered).base64EncodedString(), field: "NAME", orgID: "org-a", admissionNo: "0001"))
        let other = try PersonalData(key: Array(repeating: 8, count: 32))
        XCTAssertNil(other.open(box, field: "NAME", orgID: "org-a", admissionNo: "0001"))
        XCTAssertNil(PersonalData.decodeKey("short"))
        XCTAssertEqual(PersonalData.decodeKey(String(repeating: "ab", count: 32))?.count, 32)
    }

    func testImportRowsRefuseDuplicatesWithinTheFile() throws {
        // No identifiers in this definition: nothing to seal, no key needed.
        let plain = RegistryDefinition(id: "r", programID: "p", programCode: "x", code: "x", version: "1", name: "x", shortName: "x",
                                       firstPeriod: "2018", lastPeriod: nil,
                                       fields: [field("ADM", "住院号", .text, required: true, key: true),
                                                field("MRS", "出院时mRS评分", .integer, required: true, min: 0, max: 6)], rules: [])
        let rows = [["住院号", "出院时mRS评分"], ["001", "1"], ["", ""], ["002", "9"], ["001", "2"], ["003", "3", "extra"]]
        let out = try Imports.prepare(plain, rows: rows, orgID: "o", importID: "i")
        XCTAssertEqual(out.read, 4)   // the blank line is not a row
        XCTAssertEqual(out.staged, 1)
        let lines = out.text.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n") }
        XCTAssertEqual(lines.map { $0.split(separator: "\t", omittingEmptySubsequences: false)[3] }, ["001"])
        XCTAssertEqual(out.rejectedRows, 3)
        XCTAssertEqual(out.problems.map(\.row), [4, 5, 6])
        XCTAssertEqual(out.problems.map(\.code), ["out_of_range", "duplicate_in_file", "extra_cells"])
        XCTAssertTrue(out.problems[1].message.contains("第2行"))
    }

    /// An institution without cases of the period: the rows are staged in the leading columns of
    /// `cases` (`ImportStore.casesCopy`); a row with a blank required field is counted and listed
    /// but not written (it is rejected, never created), and its number still refuses a later one.
    func testCasesLayoutStagesOnlyTheCreatesInTheColumnsOfCases() throws {
        let plain = RegistryDefinition(id: "r", programID: "p", programCode: "x", code: "x", version: "1", name: "x", shortName: "x",
                                       firstPeriod: "2018", lastPeriod: nil,
                                       fields: [field("ADM", "住院号", .text, required: true, key: true),
                                                field("MRS", "出院时mRS评分", .integer, required: true, min: 0, max: 6),
                                                field("NOTE", "备注", .text)], rules: [])
        var rows = [["住院号", "出院时mRS评分", "备注"], ["001", "1", "a\"b\\c"], ["002", "", ""], ["002", "3", ""], ["003", "9", ""]]
        rows += (4..<3000).map { [String(format: "%05d", $0), "\($0 % 7)", ""] }   // enough rows for several workers
        let out = try Imports.prepare(plain, rows: rows, orgID: "o", importID: "i", layout: .cases)
        XCTAssertEqual(out.read, 3000)
        XCTAssertEqual(out.staged, 2 + 2996)
        XCTAssertEqual(out.incomplete.map(\.row), [3])
        XCTAssertEqual(out.problems.map(\.code), ["duplicate_in_file", "out_of_range"])
        XCTAssertEqual(out.text.count, out.lines.count)
        let lines = out.text.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n") }
        XCTAssertEqual(lines.count, out.staged - out.incomplete.count)
        XCTAssertEqual(out.lines.reduce(0, +), lines.count)
        XCTAssertEqual(zip(out.text, out.lines).map { t, n in t.filter { $0 == 10 }.count == n }, out.lines.map { _ in true })
        let first = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(copyField)
        XCTAssertEqual(first.count, 5)
        XCTAssertTrue(ID.isValid(first[0]))
        XCTAssertEqual(first[1], "001")
        XCTAssertEqual(try JSONDecoder().decode([String: String].self, from: Data(first[2].utf8)), ["MRS": "1", "NOTE": "a\"b\\c"])
        XCTAssertEqual(first[3], "{}"); XCTAssertEqual(first[4], "{}")
        XCTAssertFalse(lines.contains { $0.split(separator: "\t")[1] == "002" })
    }

    func testStagedJSONIsValidJSON() throws {
        let d = ["NAME": "张\"三\\", "X": "a\u{1}b\nc", "A": ""]
        let text = JSONText.object(d)
        XCTAssertEqual(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)), d)
        XCTAssertTrue(text.hasPrefix("{\"A\":"))   // sorted keys
        XCTAssertEqual(JSONText.object([:]), "{}")
    }

    func testIntegerBoundsAgreeWithDecimalOnes() {
        let f = field("X", "X", .integer, min: Decimal(string: "-2.5")!, max: 42)
        XCTAssertNil(f.minInt)
        XCTAssertEqual(f.maxInt, 42)
        if case .success = CaseRules.check("43", f) { XCTFail("43 accepted") }
        guard case .success(let v) = CaseRules.check("42", f) else { return XCTFail("42 refused") }
        XCTAssertEqual(v, "42")
    }

    /// COPY text's unescaping of one field (what PostgreSQL does with the staged rows).
    func copyField(_ s: Substring) -> String {
        var out = "", escaped = false
        for c in s {
            if escaped {
                switch c { case "t": out.append("\t"); case "n": out.append("\n"); case "r": out.append("\r"); default: out.append(c) }
                escaped = false
            } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }

    func testStagedCopyTextHoldsTheValuesTheSealedBoxesAndTheDigestsOfEntry() throws {
        let keys = try PersonalData(key: Array(repeating: 7, count: 32))
        let writer = try Imports.RowWriter(importID: "imp", orgID: "org-a", identifiers: ["IDNO", "NAME"],
                                           dataCodes: ["DRUG", "MRS", "TDATE"], keys: keys)
        var text: [UInt8] = []
        for n in 0..<300 {   // more boxes than one block of nonces
            let row = CheckedRow(admissionNo: "A\(n)", values: ["NAME": "张\"三\\\(n)", "IDNO": "11010519491231002X", "DRUG": "阿替普酶",
                                                                "MRS": "\(n % 7)"], missing: n == 0 ? ["TDATE"] : [])
            try writer.write(row: row, line: n + 2, into: &text)
        }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 300)
        var nonces = Set<String>()
        for (n, line) in lines.enumerated() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(copyField)
            XCTAssertEqual(f.count, 9)
            XCTAssertEqual(f[0], "imp"); XCTAssertEqual(f[1], "\(n + 2)"); XCTAssertEqual(f[3], "A\(n)")
            XCTAssertTrue(ID.isValid(f[2]))
            XCTAssertEqual(Array(f[2])[14], "7")   // a UUIDv7 like ID.uuid7's
            let data = try JSONDecoder().decode([String: String].self, from: Data(f[4].utf8))
            XCTAssertEqual(data, ["DRUG": "阿替普酶", "MRS": "\(n % 7)"])   // identifiers never in data
            let personal = try JSONDecoder().decode([String: String].self, from: Data(f[5].utf8))
            XCTAssertEqual(keys.open(personal["NAME"]!, field: "NAME", orgID: "org-a", admissionNo: "A\(n)"), "张\"三\\\(n)")
            XCTAssertEqual(keys.open(personal["IDNO"]!, field: "IDNO", orgID: "org-a", admissionNo: "A\(n)"), "11010519491231002X")
            XCTAssertNil(keys.open(personal["NAME"]!, field: "NAME", orgID: "org-a", admissionNo: "A\(n + 1)"))
            nonces.insert(String(personal["NAME"]!.prefix(16))); nonces.insert(String(personal["IDNO"]!.prefix(16)))
            let digest = try JSONDecoder().decode([String: String].self, from: Data(f[6].utf8))
            XCTAssertEqual(digest, ["NAME": keys.digest("张\"三\\\(n)", field: "NAME"), "IDNO": keys.digest("11010519491231002X", field: "IDNO")])
            XCTAssertEqual(f[7], n == 0 ? "{TDATE}" : "{}")
            XCTAssertEqual(f[8], n == 0 ? "rejected" : "create")
        }
        XCTAssertEqual(nonces.count, 600)   // a fresh nonce per box
    }

    func testCasesLayoutSealsLikeEntry() throws {
        let keys = try PersonalData(key: Array(repeating: 7, count: 32))
        let writer = try Imports.RowWriter(importID: "imp", orgID: "org-a", identifiers: ["IDNO", "NAME"],
                                           dataCodes: ["DRUG", "MRS"], keys: keys, layout: .cases)
        var text: [UInt8] = []
        try writer.write(row: CheckedRow(admissionNo: "A1", values: ["NAME": "张三", "IDNO": "11010519491231002X", "MRS": "2"], missing: []),
                         line: 2, into: &text)
        try writer.write(row: CheckedRow(admissionNo: "A2", values: ["NAME": "李四"], missing: ["MRS"]), line: 3, into: &text)
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let f = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(copyField)
        XCTAssertEqual(f.count, 5)
        XCTAssertEqual(f[1], "A1")
        XCTAssertEqual(try JSONDecoder().decode([String: String].self, from: Data(f[2].utf8)), ["MRS": "2"])
        let personal = try JSONDecoder().decode([String: String].self, from: Data(f[3].utf8))
        XCTAssertEqual(keys.open(personal["NAME"]!, field: "NAME", orgID: "org-a", admissionNo: "A1"), "张三")
        XCTAssertEqual(try JSONDecoder().decode([String: String].self, from: Data(f[4].utf8)),
                       ["NAME": keys.digest("张三", field: "NAME"), "IDNO": keys.digest("11010519491231002X", field: "IDNO")])
    }

    func testSharedColumnsAreEscapedForCopy() {
        var out: [UInt8] = []
        XCTAssertTrue(PGCopyText.append("a\\b\tc\nd\re", to: &out))
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #"a\\b\tc\nd\re"#)
        XCTAssertFalse(PGCopyText.append("a\u{0}b", to: &out), "PostgreSQL text holds no NUL")
    }

    func testBase64TextMatchesFoundation() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var out: [UInt8] = []
            Base64Text.append(bytes, into: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), Data(bytes).base64EncodedString())
        }
    }

    /// The shared check (`ChineseFormats.isResidentID`, over bytes) that entry and imports use.
    func testResidentIDsAreCheckedByTheirCheckDigitAndBirthDate() {
        for s in ["11010519491231002X", "11010519491231002x"] { XCTAssertTrue(ChineseFormats.isResidentID(s), s) }
        XCTAssertEqual(value("11010519491231002x", "IDNO"), "11010519491231002X")
        for s in ["110105194912310021",        // wrong check digit
                  "11010519491331002X",        // month 13
                  "11010519491200002X",        // day 00
                  "1101051949123100", "", "110105194912310020X",
                  "A10105194912310021",
                  "１１010519491231002X",      // full-width digits (pass a Unicode digit-value check)
                  "一1010519491231002X"] {     // a Chinese numeral (likewise)
            XCTAssertFalse(ChineseFormats.isResidentID(s), s)
            if !s.isEmpty { XCTAssertNil(value(s, "IDNO"), s) }   // blank: no value, not refused
        }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        for n in 0..<400 {
            let (month, day) = (n % 14, n % 33)
            let body = "3301061980\(String(format: "%02d", month))\(String(format: "%02d", day))\(String(format: "%03d", n))"
            let sum = zip(body.utf8, weights).map { Int($0 - 48) * $1 }.reduce(0, +)
            let plausible = (1...12).contains(month) && (1...31).contains(day)
            XCTAssertEqual(ChineseFormats.isResidentID(body + String(Array("10X98765432")[sum % 11])), plausible, body)
            XCTAssertFalse(ChineseFormats.isResidentID(body + String(Array("10X98765432")[(sum + 1) % 11])), body)
        }
    }

    func testDateShiftIsPerCaseKeyedAndWithinAYear() throws {
        let keys = try PersonalData(key: Array(repeating: 7, count: 32))
        let other = try PersonalData(key: Array(repeating: 8, count: 32))
        let ids = (0..<200).map { _ in ID.new() }
        let days = ids.map { keys.dateShiftDays(caseID: $0) }
        XCTAssertTrue(days.allSatisfy { (0...364).contains($0) })
        XCTAssertEqual(ids.map { keys.dateShiftDays(caseID: $0) }, days)          // the same in every export
        XCTAssertGreaterThan(Set(days).count, 100)                                  // spread over the year
        XCTAssertNotEqual(ids.map { other.dateShiftDays(caseID: $0) }, days)       // needs the key
    }

    func testCivilDateArithmeticAgreesWithTheCalendar() {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let start = cal.date(from: DateComponents(year: 1999, month: 12, day: 25))!
        for step in stride(from: 0, to: 40_000, by: 37) {
            let d = cal.date(byAdding: .day, value: step, to: start)!
            let c = cal.dateComponents([.year, .month, .day], from: d)
            let z = CivilDate.days(c.year!, c.month!, c.day!)
            XCTAssertEqual(z, Int(d.timeIntervalSince1970 / 86400))
            let back = CivilDate.date(z)
            XCTAssertEqual([back.0, back.1, back.2], [c.year!, c.month!, c.day!])
        }
        XCTAssertEqual(CivilDate.shifted("2024-03-01", back: 1), "2024-02-29")
        XCTAssertEqual(CivilDate.shifted("2024-01-05", back: 364), "2023-01-06")
        XCTAssertEqual(CivilDate.shifted("2024-01-05", back: 0), "2024-01-05")
        XCTAssertNil(CivilDate.shifted("2024-13-05", back: 3))
    }
}
