// libFuzzer target: XLSXReader over arbitrary bytes (zip, relationships, workbook, shared strings, styles,
// sheets), and — since most random bytes are no zip — over the bytes as the first worksheet and as the
// shared strings of a small valid workbook. Any input may be refused with an OfficeError; none may trap.
// A workbook that reads is written back by XLSXWriter, which must read again.
import Foundation
@testable import KitOffice

private let limits = XLSXLimits(maxRows: 500, maxColumns: 64, maxCells: 20_000,
                                zip: ZipLimits(maxEntries: 64, maxTotalBytes: 4 << 20))

private func wrap(sheet: [UInt8], shared: [UInt8]) -> [UInt8] {
    var z = ZipWriter()
    try! z.add("_rels/.rels", Array("<Relationships><Relationship Id=\"a\" Type=\"x/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".utf8), deflate: false)
    try! z.add("xl/workbook.xml", Array("<workbook><sheets><sheet name=\"S\" r:id=\"r1\"/><sheet name=\"M\" state=\"hidden\" r:id=\"r2\"/></sheets><definedNames><definedName name=\"v\">M!$A$1</definedName></definedNames></workbook>".utf8), deflate: false)
    try! z.add("xl/_rels/workbook.xml.rels", Array("<Relationships><Relationship Id=\"r1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"r2\" Type=\"x/worksheet\" Target=\"worksheets/sheet2.xml\"/><Relationship Id=\"s\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"t\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>".utf8), deflate: false)
    try! z.add("xl/styles.xml", Array("<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m\"/></numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/><xf numFmtId=\"31\"/></cellXfs></styleSheet>".utf8), deflate: false)
    try! z.add("xl/sharedStrings.xml", shared, deflate: false)
    try! z.add("xl/worksheets/sheet1.xml", sheet, deflate: false)
    try! z.add("xl/worksheets/sheet2.xml", Array("<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>".utf8), deflate: false)
    return try! z.finish()
}

private let validShared = Array("<sst><si><t>x</t></si><si><r><t>a</t></r><r><t>b</t></r></si></sst>".utf8)
private let validSheet = Array("<worksheet><sheetData><row><c t=\"s\"><v>1</v></c><c s=\"1\"><v>60</v></c></row></sheetData></worksheet>".utf8)

private func check(_ bytes: [UInt8]) {
    do {
        let book = try XLSXReader.read(bytes: bytes, limits: limits)
        for sheet in book.sheets {
            precondition(sheet.rows.count <= limits.maxRows, "row limit")
            for row in sheet.rows { precondition(row.count <= limits.maxColumns, "column limit") }
        }
        var copy = book
        for k in copy.sheets.indices { copy.sheets[k].name = "S\(k)"; copy.sheets[k].state = k == 0 ? .visible : copy.sheets[k].state }
        copy.definedNames = [:]
        if let written = try? XLSXWriter.data(copy) {
            _ = try XLSXReader.read(bytes: written, limits: XLSXLimits(maxRows: 1000, maxColumns: 100, maxCells: 100_000))
        }
    } catch {
        precondition(error is OfficeError, "untyped error \(error)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    check(wrap(sheet: bytes, shared: validShared))
    check(wrap(sheet: validSheet, shared: bytes))
    return 0
}
