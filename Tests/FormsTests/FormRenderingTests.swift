import Foundation
import XCTest
#if canImport(DocumentsService)
import DocumentsService
#else
import Forms
#endif

/// Each form, read back with poppler: title, field values, verification code, font, pixels.
final class FormRenderingTests: XCTestCase {
    func testEveryFormContainsTitleFieldsAndCode() throws {
        try FormSamples.fontAvailable()
        for kind in FormKind.allCases {
            let pdf = FormRenderer.render(kind, FormSamples.input)
            let text = try PopplerTools.text(pdf)
            let compact = PopplerTools.compact(text)
            let code = FormRenderer.verificationCode(kind: kind, input: FormSamples.input)
            XCTAssertTrue(compact.contains(kind.title), "\(kind): title missing\n\(text)")
            for value in ["张三", "北京市第一人民医院", "质控专员", "110101199003071234", "13800138000",
                          "zhangsan@example.com", "数据填报员（DataReporter）"] {
                XCTAssertTrue(compact.contains(value), "\(kind): \(value) missing\n\(text)")
            }
            XCTAssertTrue(compact.contains("申请编号：APP-2025-000123"), "\(kind): id missing\n\(text)")
            XCTAssertTrue(compact.contains("校验码：\(code)"), "\(kind): code missing\n\(text)")
            for label in ["申请人签字", "单位盖章", "日期", "身份证号"] {
                XCTAssertTrue(compact.contains(label), "\(kind): \(label) missing")
            }
            XCTAssertTrue(compact.contains("生成时间：2026-01-0108:00"), "\(kind): date missing\n\(text)")
            XCTAssertEqual(try PopplerTools.pageCount(pdf), kind == .termsConsent ? 2 : 1, "\(kind)")
        }
    }

    func testFormSpecificText() throws {
        try FormSamples.fontAvailable()
        let expectations: [FormKind: [String]] = [
            .accountApplication: ["单位意见", "不得转借", "负责人签字"],
            .confidentialityPledge: ["承诺内容", "严格保密", "仅用于医疗质量控制"],
            .institutionInfo: ["填报说明", "统一社会信用代码"],
            .termsConsent: ["使用须知", "同意声明", "操作日志"],
        ]
        for (kind, phrases) in expectations {
            let compact = PopplerTools.compact(try PopplerTools.text(FormRenderer.render(kind, FormSamples.input)))
            for phrase in phrases { XCTAssertTrue(compact.contains(phrase), "\(kind): \(phrase) missing") }
        }
    }

    func testFontIsEmbeddedCIDTrueType() throws {
        try FormSamples.fontAvailable()
        for kind in FormKind.allCases {
            let fonts = try PopplerTools.fonts(FormRenderer.render(kind, FormSamples.input))
            let rows = fonts.split(separator: "\n").dropFirst(2)
            XCTAssertEqual(rows.count, 1, fonts)
            let row = String(rows.first ?? "")
            XCTAssertTrue(row.contains("CID TrueType"), fonts)
            XCTAssertTrue(row.range(of: #"Identity-H\s+yes\s+yes\s+yes"#, options: .regularExpression) != nil, fonts)
        }
    }

    func testFirstPageRendersInk() throws {
        try FormSamples.fontAvailable()
        for kind in FormKind.allCases {
            let pixels = try PopplerTools.darkPixels(FormRenderer.render(kind, FormSamples.input))
            XCTAssertGreaterThan(pixels.total, 100_000, "\(kind)")
            // Text, table rules and boxes: well over 1% of an A4 page at 50 dpi, but far from black.
            XCTAssertGreaterThan(pixels.dark, pixels.total / 100, "\(kind): page looks blank")
            XCTAssertLessThan(pixels.dark, pixels.total / 3, "\(kind): page looks filled")
        }
    }

    func testDeterministicAndCompact() throws {
        try FormSamples.fontAvailable()
        for kind in FormKind.allCases {
            let a = FormRenderer.render(kind, FormSamples.input)
            XCTAssertEqual(a, FormRenderer.render(kind, FormSamples.input), "\(kind) not deterministic")
            XCTAssertLessThan(a.count, 120_000, "\(kind): \(a.count) bytes")
            print("form \(kind.rawValue): \(a.count) bytes")
        }
    }

    func testConcurrentRenderingIsSafeAndIdentical() throws {
        try FormSamples.fontAvailable()
        let expected = FormKind.allCases.map { FormRenderer.render($0, FormSamples.input) }
        let results = ResultBox(count: 16)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            results.set(i, FormRenderer.render(FormKind.allCases[i % 4], FormSamples.input))
        }
        for i in 0..<16 { XCTAssertEqual(results.get(i), expected[i % 4], "render \(i) differs") }
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[UInt8]]
    init(count: Int) { items = Array(repeating: [], count: count) }
    func set(_ i: Int, _ value: [UInt8]) { lock.lock(); items[i] = value; lock.unlock() }
    func get(_ i: Int) -> [UInt8] { lock.lock(); defer { lock.unlock() }; return items[i] }
}
