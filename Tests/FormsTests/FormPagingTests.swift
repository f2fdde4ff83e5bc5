import Foundation
import XCTest
#if canImport(DocumentsService)
import DocumentsService
#else
import Forms
#endif

/// Long inputs continue on new pages; every page carries the id, the code and its page number.
final class FormPagingTests: XCTestCase {
    func testLongInputProducesSeveralPagesWithHeaderAndFooterEverywhere() throws {
        try FormSamples.fontAvailable()
        let input = FormSamples.longInput
        for kind in FormKind.allCases {
            let pdf = FormRenderer.render(kind, input)
            let pages = try XCTUnwrap(try PopplerTools.pageCount(pdf))
            XCTAssertGreaterThanOrEqual(pages, 2, "\(kind)")
            let code = FormRenderer.verificationCode(kind: kind, input: input)
            for page in 1...pages {
                let text = PopplerTools.compact(try PopplerTools.text(pdf, page: page))
                XCTAssertTrue(text.contains("申请编号：APP-LONG-0002"), "\(kind) page \(page): id")
                XCTAssertTrue(text.contains("校验码：\(code)"), "\(kind) page \(page): code")
                XCTAssertTrue(text.contains("第\(page)页/共\(pages)页"), "\(kind) page \(page): page number")
                if page > 1 { XCTAssertTrue(text.contains("\(kind.title)（续）"), "\(kind) page \(page): continuation header") }
            }
            let all = PopplerTools.compact(try PopplerTools.text(pdf))
            XCTAssertTrue(all.contains("LAST-FIELD-VALUE-XYZ"), "\(kind): last field lost")
            XCTAssertTrue(all.contains("附加项目30"), "\(kind)")
            // Signature boxes end up on the last page.
            let last = PopplerTools.compact(try PopplerTools.text(pdf, page: pages))
            XCTAssertTrue(last.contains("申请人签字") && last.contains("单位盖章"), "\(kind): signatures not on last page")
            for page in 1...pages {
                let ink = try PopplerTools.darkPixels(pdf, page: page)
                XCTAssertGreaterThan(ink.dark, ink.total / 200, "\(kind) page \(page) looks blank")
            }
        }
    }

    func testFieldValueLongerThanAPageIsSplitNotLost() throws {
        try FormSamples.fontAvailable()
        let lines = (1...150).map { "第\($0)条记录 RECORD-\($0)" }.joined(separator: "\n")
        let input = FormInput(applicationID: "APP-HUGE", fields: [
            FormField(label: "姓名", value: "王五"),
            FormField(label: "说明", value: lines),
        ], generatedAt: FormSamples.date)
        let pdf = FormRenderer.render(.institutionInfo, input)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(try PopplerTools.pageCount(pdf)), 3)
        let text = try PopplerTools.text(pdf)
        for i in [1, 75, 149, 150] { XCTAssertTrue(text.contains("RECORD-\(i)\n") || text.contains("RECORD-\(i) "), "RECORD-\(i) lost") }
    }

    func testEmptyFieldsAndUnusualCharacters() throws {
        try FormSamples.fontAvailable()
        let input = FormInput(applicationID: "APP-空-<&>", fields: [], generatedAt: FormSamples.date)
        let pdf = FormRenderer.render(.accountApplication, input)
        let text = PopplerTools.compact(try PopplerTools.text(pdf))
        XCTAssertTrue(text.contains("APP-空-<&>"), text)
        XCTAssertTrue(text.contains("（无）"))
        let odd = FormInput(applicationID: "X", fields: [FormField(label: "备注\t(括号)", value: "emoji 😀 控制\u{7}字符 ()\\")],
                            generatedAt: FormSamples.date)
        let text2 = PopplerTools.compact(try PopplerTools.text(FormRenderer.render(.termsConsent, odd)))
        XCTAssertTrue(text2.contains("控制字符()\\"), text2)
    }
}
