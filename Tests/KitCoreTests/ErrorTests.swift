import Foundation
import XCTest
import KitCore

private struct Reading: Encodable {
    var sensor: String
    var value: Double
}

private struct Batch: Encodable {
    var readings: [Reading]
    var extra: [String: Float]
}

final class ErrorTests: XCTestCase {
    func testNaNAndInfinityThrowLikeJSONEncoder() {
        for bad in [Double.nan, .infinity, -.infinity] {
            XCTAssertThrowsError(try FastJSON.encode(bad))
            XCTAssertThrowsError(try FastJSON.encode([bad]))
            XCTAssertThrowsError(try FastJSON.encode(["k": bad]))
            XCTAssertThrowsError(try FastJSON.encode(Reading(sensor: "s", value: bad)))
            XCTAssertThrowsError(try FJReference.encoder().encode(Reading(sensor: "s", value: bad)))
        }
        XCTAssertThrowsError(try FastJSON.encode(Float.nan))
        XCTAssertThrowsError(try FastJSON.encode([Float.infinity]))
        XCTAssertThrowsError(try FastJSON.encode(Decimal.nan))
    }

    func testErrorMessageAndPathMatchJSONEncoder() {
        let batch = Batch(readings: [Reading(sensor: "a", value: 1), Reading(sensor: "b", value: .nan)], extra: [:])
        var fastError: (any Error)?
        var referenceError: (any Error)?
        XCTAssertThrowsError(try FastJSON.encode(batch)) { fastError = $0 }
        XCTAssertThrowsError(try FJReference.encoder().encode(batch)) { referenceError = $0 }
        XCTAssertEqual(errorPath(fastError!), ["readings", "1", "value"])
        XCTAssertEqual(errorPath(fastError!), errorPath(referenceError!))
        guard case EncodingError.invalidValue(_, let ctx) = fastError! else { return XCTFail() }
        XCTAssertEqual(ctx.debugDescription, "Unable to encode Double.nan directly in JSON.")

        let floats = Batch(readings: [], extra: ["x": -.infinity])
        XCTAssertThrowsError(try FastJSON.encode(floats)) { error in
            XCTAssertEqual(errorPath(error), ["extra", "x"])
            guard case EncodingError.invalidValue(_, let ctx) = error else { return XCTFail() }
            XCTAssertEqual(ctx.debugDescription, "Unable to encode -Float.infinity directly in JSON.")
        }
        XCTAssertThrowsError(try FastJSON.encode([[1.0], [2.0, .nan]])) { error in
            XCTAssertEqual(errorPath(error), ["1", "1"])
        }
    }

    func testUserErrorsPropagate() {
        struct Boom: Error {}
        struct Exploding: Encodable { func encode(to encoder: Encoder) throws { throw Boom() } }
        struct Holder: Encodable { let ok = 1; let bad = Exploding() }
        XCTAssertThrowsError(try FastJSON.encode(Holder())) { XCTAssertTrue($0 is Boom) }
    }

    func testBufferIsUntouchedOnError() {
        var buffer = Array("keep".utf8)
        XCTAssertThrowsError(try FastJSON.encode(Reading(sensor: "s", value: .nan), into: &buffer))
        XCTAssertEqual(buffer, Array("keep".utf8))
    }
}
