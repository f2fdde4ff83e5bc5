// libFuzzer target: FileSniffer over arbitrary bytes (PDF, JPEG, PNG, GIF, BMP structure checks, pixel limits,
// polyglot scans). Any input may be refused with a FileSniffError; none may trap. The in-memory and the file
// readers must agree on every input (they share the checks but not the byte access).
import Foundation
@testable import KitMedia

/// Scratch file for the file reader: in $FUZZ_TMPDIR (scripts/fuzz points it into .build-fuzz/ and clears it).
private let path = (ProcessInfo.processInfo.environment["FUZZ_TMPDIR"] ?? NSTemporaryDirectory())
    + "/fuzz-sniffer-\(getpid()).bin"

private func outcome(_ body: () throws -> FileKind) -> String {
    do { return "ok \(try body())" } catch let e as FileSniffError { return "\(e)" } catch { return "io \(error)" }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let inMemory = outcome { try FileSniffer.detect(bytes) }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return 0 }
    let fromFile = outcome { try FileSniffer.detect(fileAt: path) }
    if inMemory != fromFile {
        fatalError("memory and file readers disagree: \(inMemory) vs \(fromFile)")
    }
    return 0
}
