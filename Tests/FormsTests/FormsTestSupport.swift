import Foundation
import XCTest
#if canImport(DocumentsService)
import DocumentsService
#else
import Forms
#endif

/// Sample data and poppler helpers for the form tests (poppler is the independent reader).
enum FormSamples {
    static let date = Date(timeIntervalSince1970: 1_767_225_600)   // 2026-01-01 08:00 Asia/Shanghai

    static let input = FormInput(applicationID: "APP-2025-000123", fields: [
        FormField(label: "姓名", value: "张三"),
        FormField(label: "性别", value: "男"),
        FormField(label: "身份证号", value: "110101199003071234"),
        FormField(label: "所在单位", value: "北京市第一人民医院"),
        FormField(label: "科室", value: "医务科"),
        FormField(label: "职务", value: "质控专员"),
        FormField(label: "手机号码", value: "13800138000"),
        FormField(label: "电子邮箱", value: "zhangsan@example.com"),
        FormField(label: "申请角色", value: "数据填报员（Data Reporter）"),
    ], generatedAt: date)

    /// An input with many and long fields, forcing several pages.
    static let longInput: FormInput = {
        var fields = input.fields
        let remark = String(repeating: "患者隐私数据仅用于医疗质量控制，严禁外泄。Use for quality control only. ", count: 12)
        for i in 1...30 { fields.append(FormField(label: "附加项目 \(i)", value: "第 \(i) 项：\(remark.prefix(40 + i * 3))")) }
        fields.append(FormField(label: "备注", value: remark + remark + remark))
        fields.append(FormField(label: "末项", value: "LAST-FIELD-VALUE-XYZ"))
        return FormInput(applicationID: "APP-LONG-0002", fields: fields, generatedAt: date)
    }()

    static func fontAvailable() throws {
        do { _ = try FormRenderer.loadFont() } catch { throw XCTSkip("no CJK font: \(error)") }
    }
}

enum PopplerTools {
    static func tool(_ name: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in dirs + ["/usr/bin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("\(name) (poppler-utils) not installed")
    }

    static func run(_ name: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try tool(name))
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    static func withFile<T>(_ pdf: [UInt8], _ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("forms-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// `pdftotext -layout`, optionally of one page.
    static func text(_ pdf: [UInt8], page: Int? = nil) throws -> String {
        try withFile(pdf) { path in
            var args = ["-layout", "-enc", "UTF-8"]
            if let page { args += ["-f", "\(page)", "-l", "\(page)"] }
            return String(decoding: try run("pdftotext", args + [path, "-"]), as: UTF8.self)
        }
    }

    static func pageCount(_ pdf: [UInt8]) throws -> Int? {
        let info = try withFile(pdf) { String(decoding: try run("pdfinfo", ["-enc", "UTF-8", $0]), as: UTF8.self) }
        for line in info.split(separator: "\n") where line.hasPrefix("Pages:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func fonts(_ pdf: [UInt8]) throws -> String {
        try withFile(pdf) { String(decoding: try run("pdffonts", [$0]), as: UTF8.self) }
    }

    /// Renders a page with `pdftoppm -gray` (PGM) and returns (dark pixels, total pixels).
    static func darkPixels(_ pdf: [UInt8], page: Int = 1, dpi: Int = 50, threshold: UInt8 = 128) throws -> (dark: Int, total: Int) {
        let bytes = [UInt8](try withFile(pdf) {
            try run("pdftoppm", ["-gray", "-r", "\(dpi)", "-f", "\(page)", "-l", "\(page)", $0])
        })
        // P5 header: magic, width, height, maxval, separated by single whitespace (no comments from pdftoppm).
        var fields: [Int] = [], i = 2, current = ""
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") else { return (0, 0) }
        while fields.count < 3, i < bytes.count {
            let c = bytes[i]; i += 1
            if c >= 0x30 && c <= 0x39 { current.append(Character(Unicode.Scalar(c))) }
            else if !current.isEmpty { fields.append(Int(current)!); current = "" }
        }
        let pixels = bytes[i...].prefix(fields[0] * fields[1])
        return (pixels.filter { $0 < threshold }.count, fields[0] * fields[1])
    }

    static func compact(_ s: String) -> String {
        String(s.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }.map(Character.init))
    }
}
