import Foundation
import XCTest
import KitCore

final class NumberTests: XCTestCase {
    func testTrickyDoublesMatchJSONEncoderText() throws {
        let doubles: [Double] = [0.1, 1e21, 1e-7, 123456789.123, -0.0, 0, .leastNonzeroMagnitude, 1.7976931348623157e308,
                                 -1.7976931348623157e308, 100.0, 1e16, 1e15, 9007199254740992, 9007199254740991,
                                 9007199254740994, -9007199254740992, 4503599627370496.5, 0.30000000000000004,
                                 1e-4, 1e-5, 2.5e-5, 0.00012, 9.99e-5, 2.2250738585072014e-308, 1.5, -1.5,
                                 12345678901234567168, 1e22, 1e23, 3.141592653589793, 2.718281828459045, 1 / 3,
                                 0.1 + 0.2, 1e100, 123e-20, 4.35, 0.5, 255, 65536, -1]
        for d in doubles {
            XCTAssertEqual(try fastText(d), try referenceText(d), "\(d)")
        }
        assertSameText(doubles)
        XCTAssertEqual(try fastText([0.1, 1e21, 1e-7, 100.0, -0.0]), "[0.1,1e+21,1e-07,100,-0]")
    }

    func testRandomDoublesMatchJSONEncoderText() throws {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = []
        for _ in 0..<3000 {
            let bits = rng.next() as UInt64
            let d = Double(bitPattern: bits)
            if d.isFinite { values.append(d) }
        }
        for _ in 0..<2000 { values.append(Double.random(in: -1e7...1e7)) }
        for _ in 0..<1000 { values.append(Double(Int.random(in: -1 << 60 ... 1 << 60))) }
        for _ in 0..<1000 { values.append(Double(Int.random(in: -100_000...100_000)) / 100) }
        XCTAssertEqual(try fastText(values), try referenceText(values))
    }

    func testFloatsMatchJSONEncoderText() throws {
        var values: [Float] = [0.1, 1e20, 100, 3.4028235e38, 1e-7, 16777216, 16777215, 16777218, -0.0, .leastNormalMagnitude, .leastNonzeroMagnitude]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next() as UInt64))
            if f.isFinite { values.append(f) }
        }
        XCTAssertEqual(try fastText(values), try referenceText(values))
    }

    func testIntegers() throws {
        assertSameText([Int.min, Int.max, 0, -1, 9, 10, 99, 100, -100, 12345, -987654321])
        assertSameText([UInt64.max, 0, 1])
        assertSameText([Int8.min, Int8.max])
        assertSameText([Int16.min, Int16.max])
        assertSameText([Int32.min, Int32.max])
        assertSameText([UInt.max])
        for i in stride(from: -1_000_000, through: 1_000_000, by: 997) {
            XCTAssertEqual(try fastText(i), String(i))
        }
        if #available(macOS 15.0, *) {
            assertSameText([Int128.max, Int128.min])
            assertSameText([UInt128.max])
        }
    }

    func testDecimal() throws {
        let decimals = [Decimal(string: "1.50")!, Decimal(string: "-0.000001")!,
                        Decimal(string: "12345678901234567890.123")!, Decimal(0), Decimal(42)]
        XCTAssertEqual(try fastText(decimals), "[1.5,-0.000001,12345678901234567890.123,0,42]")
        assertSameText(decimals)
        struct Money: Codable, Equatable { var amount: Decimal }
        assertRoundTrip(Money(amount: Decimal(string: "19.99")!))
    }
}
