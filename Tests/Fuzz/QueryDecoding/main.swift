// libFuzzer target: percent-decoding and query/cookie parsing as handlers reach them: Request.query,
// Request.formDecode, Router.percentDecode (path parameters), Request.cookie, clientAddress (X-Forwarded-For).
import Foundation
@testable import KitHTTP

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let request = Request(method: .GET, path: "/x", rawQuery: text,
                          headers: HTTPHeaders([("Cookie", text), ("X-Forwarded-For", text)]))
    for (key, value) in request.query {
        precondition(!key.isEmpty && !key.contains("\0") && !value.contains("\0"), "NUL or empty key survived")
    }
    _ = Request.formDecode(text)
    _ = Router.percentDecode(Substring(text))
    _ = request.cookie("session")
    _ = request.clientAddress
    return 0
}
