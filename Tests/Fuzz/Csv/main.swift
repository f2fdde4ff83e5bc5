// libFuzzer target: CSVReader (encoding detection: UTF-8, BOM, GB18030, Excel's GBK) and the parser; rows
// written by CSVWriter must read back to the same rows (after the writer's formula neutralising).
import Foundation
@testable import KitOffice

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(UnsafeBufferPointer(start: data, count: size))
    guard let rows = try? CSVReader.rows(input, maxRows: 1000, maxFieldBytes: 4096) else { return 0 }
    let written = CSVWriter.data(rows: rows)
    guard let again = try? CSVReader.rows(written, maxRows: 1000, maxFieldBytes: 8192) else {
        fatalError("the writer's output does not read back")
    }
    // Blank lines read as [""] and the writer writes them back as empty lines: the shapes agree.
    let expected = rows.map { $0.map(CSVWriter.neutralised) }
    precondition(again == expected, "round trip differs")
    return 0
}
