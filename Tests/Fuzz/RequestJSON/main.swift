// libFuzzer target: JSON request bodies decoded the way every handler does it (Request.decode → the
// escaped-NUL check, then KitCore's JSON.sharedDecoder with RFC 3339 dates), into a shape with the field
// types the services use. Any input gives a value or an APIError (400/422), never a trap.
import Foundation
import Models
@testable import KitHTTP

private struct Body: Decodable {
    struct Item: Decodable { var code: String; var value: Double?; var count: Int?; var flags: [Bool]? }
    var name: String
    var age: Int?
    var small: Int8?
    var big: UInt64?
    var ratio: Double?
    var at: Date?
    var id: UUID?
    var tags: [String]?
    var items: [Item]?
    var extra: [String: Int]?
    var nested: [[Int]]?
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let request = Request(method: .POST, path: "/x", body: Array(UnsafeBufferPointer(start: data, count: size)))
    do {
        _ = try request.decode(Body.self)
    } catch let error as APIError {
        precondition(error.status == 400 || error.status == 422, "unexpected status \(error.status)")
    } catch {
        preconditionFailure("not an APIError: \(error)")
    }
    _ = try? request.decode([String: [Int?]].self)
    return 0
}
