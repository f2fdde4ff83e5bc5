import Foundation
import KitCrypto
import XCTest
@testable import DocumentsService

/// The blob store's write path: a received file lands at its content address whole, a second
/// upload of the same bytes reuses the stored blob only when it reads back whole, and nothing
/// is left behind by a refused upload.
final class BlobWriterTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "blobs-" + UUID().uuidString
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func received(_ bytes: [UInt8], in store: BlobStore) throws -> (BlobWriter, String) {
        let writer = try BlobWriter(store: store)
        // In pieces, like a streamed body, across the writeback window.
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 300_000)
            try writer.write(bytes[offset..<end])
            offset = end
        }
        return (writer, try writer.finish())
    }

    /// Places the file and waits until it is durable, like an upload before its COMMIT.
    private func placed(_ writer: BlobWriter, _ store: BlobStore, _ sha256: String) throws -> Bool {
        let new = try writer.place(into: store, sha256: sha256)
        try writer.durable()
        return new
    }

    private func incomingNames(_ store: BlobStore) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: store.incomingDirectory)) ?? []
    }

    func testCommittedFileIsAtItsContentAddressWhole() throws {
        let store = try BlobStore(root: root)
        let bytes = SecureRandom.bytes(5 << 20)
        let (writer, sha) = try received(bytes, in: store)
        XCTAssertEqual(sha, Hex.encode(SHA256.hash(bytes)))
        XCTAssertTrue(try placed(writer, store, sha))
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: store.path(sha)))), bytes)
        XCTAssertTrue(store.holds(sha, size: bytes.count))
        XCTAssertEqual(incomingNames(store), [])
    }

    func testSameBytesAgainReuseTheStoredBlob() throws {
        let store = try BlobStore(root: root)
        let bytes = SecureRandom.bytes(70_000)
        let (first, sha) = try received(bytes, in: store)
        XCTAssertTrue(try placed(first, store, sha))
        let (second, sha2) = try received(bytes, in: store)
        XCTAssertEqual(sha, sha2)
        XCTAssertFalse(try placed(second, store, sha2), "stored once")
        XCTAssertEqual(incomingNames(store), [])
    }

    /// A crash between the rename and the fsync can leave a blob of the right size that is not
    /// its bytes: it is not relied on, the new upload replaces it.
    func testABlobThatDoesNotReadBackWholeIsReplaced() throws {
        let store = try BlobStore(root: root)
        let bytes = SecureRandom.bytes(100_000)
        let sha = Hex.encode(SHA256.hash(bytes))
        let path = try store.path(sha)
        try BlobStore.makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
        try Data(count: bytes.count).write(to: URL(fileURLWithPath: path)) // zeros, same size
        XCTAssertTrue(store.contains(sha, size: bytes.count))
        XCTAssertFalse(store.holds(sha, size: bytes.count))
        let (writer, got) = try received(bytes, in: store)
        XCTAssertTrue(try placed(writer, store, got))
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: path))), bytes)
    }

    func testDiscardedUploadLeavesNothing() throws {
        let store = try BlobStore(root: root)
        let (writer, sha) = try received(SecureRandom.bytes(10_000), in: store)
        writer.discard()
        XCTAssertEqual(incomingNames(store), [])
        XCTAssertFalse(store.contains(sha, size: 10_000))
        XCTAssertFalse(try placed(writer, store, sha), "a discarded upload places nothing")
    }

    /// A reserved file (the body's declared length) keeps the size that was written, and a
    /// reservation longer than the file (a multipart envelope) leaves no blocks past its end.
    func testReservedBlocksBeyondTheFileAreReleased() throws {
        let store = try BlobStore(root: root)
        let bytes = SecureRandom.bytes(700_000)
        let writer = try BlobWriter(store: store)
        writer.reserve(4 << 20)
        try writer.write(bytes[...])
        let sha = try writer.finish()
        XCTAssertTrue(try placed(writer, store, sha))
        let path = try store.path(sha)
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0)
        XCTAssertEqual(Int(info.st_size), 700_000)
        XCTAssertLessThanOrEqual(Int(info.st_blocks) * 512, 700_000 + 64 * 1024, "the reservation past the end was freed")
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), bytes)
    }

    /// The fan-out directories a first blob needs are made with a call per missing level, and
    /// every directory that got a new entry is reported (its fsync makes the path durable).
    func testNewDirectoriesReportTheParentsThatChanged() throws {
        let base = root + "/fan"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        XCTAssertEqual(try BlobStore.makeDirectories(base + "/ab/cd"), [base, base + "/ab"])
        XCTAssertEqual(try BlobStore.makeDirectories(base + "/ab/cd"), [], "nothing new")
        XCTAssertEqual(try BlobStore.makeDirectories(base + "/ab/ef"), [base + "/ab"])
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: base + "/ab/ef", isDirectory: &isDir) && isDir.boolValue)
        // A file in the way is an error, not a silent success.
        XCTAssertTrue(FileManager.default.createFile(atPath: base + "/file", contents: Data([1])))
        XCTAssertThrowsError(try BlobStore.makeDirectories(base + "/file/x"))
    }
}
