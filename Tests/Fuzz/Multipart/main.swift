// libFuzzer target: multipart/form-data. The input's first line is the Content-Type value (boundary
// extraction), the rest the body; part ranges must lie inside the body and never overlap.
@testable import KitHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let contentType = String(decoding: bytes[0..<newline], as: UTF8.self)
    let body = newline < bytes.count ? Array(bytes[(newline + 1)...]) : []
    let boundary = Multipart.boundary(fromContentType: contentType) ?? "X"
    guard let parts = try? Multipart.parse(body, boundary: boundary, maxParts: 20) else { return 0 }
    var previousEnd = 0
    for part in parts {
        precondition(part.body.lowerBound >= previousEnd && part.body.upperBound <= body.count, "part range \(part.body)")
        previousEnd = part.body.upperBound
        _ = part.header("content-type")
        _ = body[part.body].count
    }
    return 0
}
