// libFuzzer target: ZipArchive over arbitrary bytes (end record search, central directory, names, local
// headers, stored and deflated data, CRC). Any input may be refused with an OfficeError; none may trap,
// and nothing read may be larger than the declared size or the limits.
import Foundation
@testable import KitOffice

private let limits = ZipLimits(maxEntries: 64, maxTotalBytes: 1 << 20, maxRatio: 200, ratioCheckAbove: 4096)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let zip = try? ZipArchive(bytes: bytes, limits: limits) else { return 0 }
    var total = 0
    for entry in zip.entries {
        precondition(ZipArchive.isSafe(entry.name), "unsafe name accepted: \(entry.name)")
        guard let content = try? zip.read(entry) else { continue }
        precondition(content.count == entry.uncompressedSize, "size differs from the central directory")
        total += content.count
    }
    precondition(total <= limits.maxTotalBytes, "total cap exceeded")
    return 0
}
