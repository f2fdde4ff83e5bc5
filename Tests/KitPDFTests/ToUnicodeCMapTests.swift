import XCTest
import KitPDF

final class ToUnicodeCMapTests: XCTestCase {
    func testRangesCharsAndSurrogatePairs() {
        let cmap = ToUnicodeCMap.make([
            0x0024: "A", 0x0025: "B", 0x0026: "C",       // consecutive → bfrange
            0x1234: "中",
            0x2000: "\u{20547}",                          // non-BMP → surrogate pair
            0x0030: "ﬁ".decomposedStringWithCompatibilityMapping,  // "fi" → two code units
            0x0040: "",                                    // ignored
        ], useRanges: true)
        XCTAssertTrue(cmap.contains("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange"))
        XCTAssertTrue(cmap.contains("1 beginbfrange\n<0024> <0026> <0041>\nendbfrange"), cmap)
        XCTAssertTrue(cmap.contains("<1234> <4E2D>"), cmap)
        XCTAssertTrue(cmap.contains("<2000> <D841DD47>"), cmap)
        XCTAssertTrue(cmap.contains("<0030> <00660069>"), cmap)
        XCTAssertFalse(cmap.contains("<0040>"))
        XCTAssertTrue(cmap.contains("3 beginbfchar"), cmap)
        XCTAssertTrue(cmap.hasSuffix("end\nend\n"))
    }

    func testDefaultWritesOnlyBfchar() {
        let cmap = ToUnicodeCMap.make([0x0024: "A", 0x0025: "B", 0x0026: "C"])
        XCTAssertFalse(cmap.contains("beginbfrange"))
        XCTAssertTrue(cmap.contains("3 beginbfchar\n<0024> <0041>\n<0025> <0042>\n<0026> <0043>\nendbfchar"), cmap)
    }

    func testRangesDoNotCrossByteBoundariesAndChunksOf100() {
        var mapping: [UInt16: String] = [0x00FF: "a", 0x0100: "b"]      // consecutive codes, different high byte
        for i in 0..<250 { mapping[UInt16(0x3000 + 2 * i)] = String(Character(Unicode.Scalar(0x4E00 + 7 * i)!)) }
        let cmap = ToUnicodeCMap.make(mapping, useRanges: true)
        XCTAssertFalse(cmap.contains("beginbfrange"), cmap)
        XCTAssertTrue(cmap.contains("100 beginbfchar"))
        XCTAssertTrue(cmap.contains("52 beginbfchar"))
    }

    func testDeterministic() {
        let mapping: [UInt16: String] = Dictionary(uniqueKeysWithValues: (0..<300).map { (UInt16($0 * 3), "字\($0)") })
        XCTAssertEqual(ToUnicodeCMap.make(mapping), ToUnicodeCMap.make(mapping))
    }
}
