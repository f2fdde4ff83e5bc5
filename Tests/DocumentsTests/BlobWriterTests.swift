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
}
