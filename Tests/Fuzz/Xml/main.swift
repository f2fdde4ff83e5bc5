// libFuzzer target: XMLPullParser over arbitrary bytes. Any input may be refused with an OfficeError; none
// may trap; a document that parses has balanced start and end events within the depth limit.
@testable import KitOffice

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard var parser = try? XMLPullParser(bytes, maxDepth: 16) else { return 0 }
    var open: [String] = []
    do {
        while let event = try parser.next() {
            switch event {
            case .start(let name, _):
                open.append(name)
                precondition(open.count <= 16, "depth limit exceeded")
            case .end(let name):
                precondition(open.popLast() == name, "unbalanced end")
            case .text:
                precondition(!open.isEmpty, "text outside the root")
            }
        }
        precondition(open.isEmpty, "unclosed element accepted")
    } catch {
        precondition(error is OfficeError, "untyped error \(error)")
    }
    return 0
}
