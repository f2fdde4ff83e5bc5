// libFuzzer target: client-supplied file names (multipart filename/filename*, X-File-Name) made safe:
// FileNames.sanitize (Unicode normalisation, category filtering, length cuts) and contentDisposition.
// The result must be non-empty, at most maxLength characters, without path separators or control characters.
import Foundation
@testable import KitMedia

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let name = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let safe = FileNames.sanitize(name)
    precondition(!safe.isEmpty && safe.count <= FileNames.maxLength, "length \(safe.count)")
    precondition(!safe.contains("/") && !safe.contains("\\") && !safe.contains(".."), "path characters survived")
    precondition(!safe.unicodeScalars.contains { $0.properties.generalCategory == .control }, "control character")
    let header = FileNames.contentDisposition(name, inline: size % 2 == 0)
    precondition(!header.unicodeScalars.contains { $0.value < 0x20 || $0.value > 0x7E }, "header not printable ASCII")
    return 0
}
