import Foundation
import KitCrypto
import KitPDF

/// Renders the registration forms as PDF files.
///
/// Every form has: the title; the application id and verification code (校验码) under the title
/// and in the header and footer of every page; the data table (label | value); the form's own text;
/// and boxes for 申请人签字 / 单位盖章 / 日期. Content that does not fit continues on new pages.
/// Output is deterministic for the same kind and input.
public enum FormRenderer {
    /// Loads the CJK font used by the forms (see `SystemFonts.cjkFont()`; override the location with
    /// `KITPDF_CJK_FONT`). Call it at service start-up to fail fast when the font is not installed.
    public static func loadFont() throws -> TrueTypeFont {
        try SystemFonts.cjkFont()
    }

    /// Renders a form with the system CJK font.
    /// - Important: traps if no CJK font is installed; call ``loadFont()`` at start-up, or use
    ///   ``render(_:_:font:)`` with a font you loaded.
    public static func render(_ kind: FormKind, _ input: FormInput) -> [UInt8] {
        let font: TrueTypeFont
        do {
            font = try loadFont()
        } catch {
            fatalError("FormRenderer: cannot load the CJK font: \(error)")
        }
        return render(kind, input, font: font)
    }

    /// Renders a form with the given font (which must cover the Chinese text).
    public static func render(_ kind: FormKind, _ input: FormInput, font: TrueTypeFont) -> [UInt8] {
        FormLayout(kind: kind, input: input, font: font).document().render()
    }

    /// The bytes the verification code is computed from (UTF-8):
    /// `kind.rawValue + "\n" + applicationID + "\n" + fields.map { "\(label)=\(value)" }.joined("\n")`.
    public static func verificationPayload(kind: FormKind, input: FormInput) -> [UInt8] {
        var text = kind.rawValue + "\n" + input.applicationID + "\n"
        text += input.fields.map { "\($0.label)=\($0.value)" }.joined(separator: "\n")
        return Array(text.utf8)
    }

    /// The verification code printed on the form: the first 8 characters of the RFC 4648 base32
    /// encoding (A–Z, 2–7) of SHA-256(``verificationPayload(kind:input:)``), i.e. its first 40 bits.
    /// Independent of `generatedAt`, so a printed form can be checked against the stored application.
    public static func verificationCode(kind: FormKind, input: FormInput) -> String {
        let digest = SHA256.hash(verificationPayload(kind: kind, input: input))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits: UInt64 = 0
        for b in digest.prefix(5) { bits = bits << 8 | UInt64(b) }
        var code = ""
        for i in stride(from: 35, through: 0, by: -5) { code.append(alphabet[Int((bits >> UInt64(i)) & 31)]) }
        return code
    }

    /// SHA-256 as lowercase hex (exposed for verification tooling and tests).
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(SHA256.hash(bytes).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }
}

/// Lays out one form.
struct FormLayout {
    let kind: FormKind
    let input: FormInput
    let font: TrueTypeFont
    let code: String
    let content: FormContent

    static let margins = PDFMargins(top: 50, left: 56, bottom: 64, right: 56)
    static let timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    init(kind: FormKind, input: FormInput, font: TrueTypeFont) {
        self.kind = kind
        self.input = input
        self.font = font
        self.code = FormRenderer.verificationCode(kind: kind, input: input)
        self.content = FormContent.content(for: kind)
    }

    var body: PDFTextStyle { PDFTextStyle(font: font, size: 10.5, lineSpacing: 1.5) }
    var heading: PDFTextStyle { PDFTextStyle(font: font, size: 12, bold: true, lineSpacing: 1.5) }
    var small: PDFTextStyle { PDFTextStyle(font: font, size: 8.5, gray: 0.3, lineSpacing: 1.4) }

    var generatedText: String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = FormLayout.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: input.generatedAt)
        func two(_ v: Int?) -> String { let s = String(v ?? 0); return s.count < 2 ? "0" + s : s }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }

    func document() -> PDFDocument {
        let info = PDFDocumentInfo(title: kind.title, subject: "申请编号 \(input.applicationID)",
                                   keywords: "校验码 \(code)", creator: FormContent.systemName, producer: "KitPDF",
                                   creationDate: input.generatedAt, timeZone: FormLayout.timeZone, language: "zh-CN")
        var flow = PDFFlow(document: PDFDocument(info: info), pageSize: .a4, margins: FormLayout.margins) { page, index in
            index == 0 ? self.drawFirstPageHeader(&page) : self.drawContinuationHeader(&page)
        }
        let width = flow.contentWidth

        flow.paragraph("\u{3000}\u{3000}" + content.intro, style: body, spacingAfter: 8)

        // Data table.
        flow.ensureSpace(heading.lineHeight + 60)
        flow.paragraph(content.fieldsHeading, style: heading, spacingAfter: 4)
        flow.table(fieldsTable(width: width), spacingAfter: 12)

        // The form's own sections.
        for (index, section) in content.sections.enumerated() {
            if index == content.sections.count - 1 {
                // The last section (declaration / opinion) stays on the page of the signature boxes.
                flow.ensureSpace(sectionHeight(section, width: width) + 12 + FormLayout.signatureHeight)
            }
            flow.ensureSpace(heading.lineHeight + 4 + (section.box?.height ?? body.lineHeight * 2))
            flow.paragraph(section.heading, style: heading, spacingAfter: 4)
            for (i, item) in section.items.enumerated() {
                flow.listItem("\(i + 1).", item, style: body, indent: 10, markerWidth: 18)
            }
            for paragraph in section.paragraphs {
                if !section.items.isEmpty { flow.advance(4) }
                flow.paragraph("\u{3000}\u{3000}" + paragraph, style: body)
            }
            if let box = section.box {
                let style = body
                flow.block(height: box.height) { page, rect in
                    page.drawRect(rect, stroke: PDFStrokeStyle(width: 0.6))
                    page.drawTextBlock(box.prompt, x: rect.x + 8, top: rect.y + 6, width: rect.width - 16, style: style)
                    page.drawTextLine("（单位盖章）　　　　年　　月　　日", x: rect.x + 8, top: rect.maxY - 6 - style.lineHeight,
                                      width: rect.width - 24, style: style, alignment: .right)
                }
            }
            flow.advance(12)
        }

        // Signature boxes (kept on one page).
        flow.block(height: FormLayout.signatureHeight, spacingAfter: 10) { page, rect in self.drawSignatureBoxes(&page, rect) }
        flow.paragraph("注：本表由系统根据申请数据自动生成。校验码由表单类型、申请编号及表内各项内容计算得出，"
                       + "可用于核验纸质表单与系统记录是否一致；表内内容如有涂改，校验码即失效。", style: small)

        return flow.finish { page, index, count in self.drawFooter(&page, pageIndex: index, pageCount: count) }
    }

    static let signatureHeight = 84.0

    /// Height of a section as laid out in `document()` (heading, items, paragraphs, box).
    func sectionHeight(_ section: FormContent.Section, width: Double) -> Double {
        var h = heading.lineHeight + 4
        for item in section.items { h += body.height(of: item, width: width - 28) }
        for paragraph in section.paragraphs {
            h += body.height(of: "\u{3000}\u{3000}" + paragraph, width: width) + (section.items.isEmpty ? 0 : 4)
        }
        return h + (section.box?.height ?? 0)
    }

    func fieldsTable(width: Double) -> PDFTable {
        let labelWidth = 130.0
        let cellStyle = body.with(size: 10, lineSpacing: 1.4)
        var table = PDFTable(columnWidths: [labelWidth, width - labelWidth], style: cellStyle,
                             padding: 5, border: PDFStrokeStyle(width: 0.6), headerRowCount: 1)
        let headerStyle = cellStyle.with(bold: true)
        table.addRow([
            PDFTable.Cell("项目", style: headerStyle, alignment: .center, verticalAlignment: .middle, fillGray: 0.86),
            PDFTable.Cell("填写内容", style: headerStyle, alignment: .center, verticalAlignment: .middle, fillGray: 0.86),
        ])
        if input.fields.isEmpty {
            table.addRow([PDFTable.Cell("（无）", alignment: .center, columnSpan: 2)], minHeight: 21)
        }
        for field in input.fields {
            table.addRow([
                PDFTable.Cell(field.label, verticalAlignment: .middle, fillGray: 0.95),
                PDFTable.Cell(field.value, verticalAlignment: .middle),
            ], minHeight: 21)
        }
        return table
    }

    /// Three boxes side by side: 申请人签字 | 单位盖章 | 日期.
    func drawSignatureBoxes(_ page: inout PDFPage, _ rect: PDFRect) {
        let widths = [rect.width * 0.32, rect.width * 0.36, rect.width * 0.32]
        let labels = ["申请人签字", "单位盖章", "日期"]
        let label = body.with(bold: true)
        var x = rect.x
        for (i, w) in widths.enumerated() {
            let box = PDFRect(x: x, y: rect.y, width: w, height: rect.height)
            page.drawRect(PDFRect(x: x, y: rect.y, width: w, height: 22), stroke: nil, fillGray: 0.92)
            page.drawRect(box, stroke: PDFStrokeStyle(width: 0.8))
            page.drawLine(from: PDFPoint(x: x, y: rect.y + 22), to: PDFPoint(x: x + w, y: rect.y + 22), stroke: PDFStrokeStyle(width: 0.5))
            page.drawTextLine(labels[i], x: x, top: rect.y + (22 - label.lineHeight) / 2, width: w, style: label, alignment: .center)
            if i == 1 {
                page.drawTextLine("（加盖公章）", x: x, top: box.maxY - 6 - small.lineHeight, width: w, style: small, alignment: .center)
            } else if i == 2 {
                page.drawTextLine("年　　月　　日", x: x, top: box.maxY - 8 - body.lineHeight, width: w - 12, style: body, alignment: .right)
            }
            x += w
        }
    }

    // MARK: Page decoration

    private var idLine: String { "申请编号：\(input.applicationID)" }
    private var codeLine: String { "校验码：\(code)" }

    /// Header of page 1: system name, title, application id and verification code. Returns the content top.
    func drawFirstPageHeader(_ page: inout PDFPage) -> Double {
        let m = FormLayout.margins
        let width = page.size.width - m.left - m.right
        page.drawTextLine(FormContent.systemName, x: m.left, top: 28, width: width, style: small)
        page.drawTextLine(kind.title, x: m.left, top: 50, width: width, style: PDFTextStyle(font: font, size: 22, bold: true, lineSpacing: 1.3),
                          alignment: .center)
        let info = body.with(lineSpacing: 1.4)
        let codeWidth = info.width(of: codeLine) + 4
        let idHeight = page.drawTextBlock(idLine, x: m.left, top: 92, width: width - codeWidth - 12, style: info)
        page.drawTextLine(codeLine, x: m.left, top: 92, width: width, style: info.with(bold: true), alignment: .right)
        let ruleY = 92 + idHeight + 4
        page.drawLine(from: PDFPoint(x: m.left, y: ruleY), to: PDFPoint(x: m.left + width, y: ruleY), stroke: PDFStrokeStyle(width: 1.2))
        return ruleY + 12
    }

    /// Header of continuation pages.
    func drawContinuationHeader(_ page: inout PDFPage) -> Double {
        let m = FormLayout.margins
        let width = page.size.width - m.left - m.right
        let right = "\(idLine)　\(codeLine)"
        let rightWidth = min(width * 0.7, small.width(of: right) + 2)
        page.drawTextLine("\(kind.title)（续）", x: m.left, top: 30, width: width - rightWidth, style: body.with(bold: true, lineSpacing: 1.4))
        let h = page.drawTextBlock(right, x: m.left + width - rightWidth, top: 32, width: rightWidth, style: small, alignment: .right)
        let ruleY = max(30 + body.size * 1.4, 32 + h) + 3
        page.drawLine(from: PDFPoint(x: m.left, y: ruleY), to: PDFPoint(x: m.left + width, y: ruleY), stroke: PDFStrokeStyle(width: 0.8))
        return ruleY + 12
    }

    func drawFooter(_ page: inout PDFPage, pageIndex: Int, pageCount: Int) {
        let m = FormLayout.margins
        let width = page.size.width - m.left - m.right
        let ruleY = page.size.height - m.bottom + 14
        page.drawLine(from: PDFPoint(x: m.left, y: ruleY), to: PDFPoint(x: m.left + width, y: ruleY),
                      stroke: PDFStrokeStyle(width: 0.5, gray: 0.4))
        let pageText = "第 \(pageIndex + 1) 页 / 共 \(pageCount) 页"
        let pageWidth = small.width(of: pageText) + 2
        page.drawTextBlock("\(idLine)　\(codeLine)　生成时间：\(generatedText)",
                           x: m.left, top: ruleY + 4, width: width - pageWidth - 10, style: small)
        page.drawTextLine(pageText, x: m.left, top: ruleY + 4, width: width, style: small, alignment: .right)
    }
}
