import Foundation
import XCTest
@testable import KitOffice

/// Inputs the fuzzers found (Tests/Fuzz/crashers/<Target>/), replayed the way each harness feeds them, and
/// the shapes behind them written by hand.
final class FuzzRegressionTests: XCTestCase {
    private func crashers(_ target: String) -> [[UInt8]] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/crashers/\(target)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().compactMap { try? [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
    }

    private func asSheet(_ xml: [UInt8]) -> HandWorkbook {
        var wb = HandWorkbook()
        wb.sheets = [("S", nil, "")]
        wb.sheetBytes = xml
        return wb
    }

    func testXlsxCrashersAreErrors() {
        let kept = crashers("Xlsx")
        XCTAssertFalse(kept.isEmpty)
        for bytes in kept {
            _ = try? XLSXReader.read(bytes: bytes)
            _ = try? asSheet(bytes).read()
        }
    }

    func testCellNestedInValue() throws {
        // A <c> inside a <v>: the inner cell starts afresh (it used to append to a value that was reset).
        let xml = Array("<worksheet><sheetData><row><c><v>1<c t=\"inlineStr\"><v>2</v><is><c>x</c></is></c>3</v></c></row></sheetData></worksheet>".utf8)
        XCTAssertNoThrow(try asSheet(xml).read())
    }
}
