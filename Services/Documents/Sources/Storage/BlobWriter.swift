import CSystem
import Foundation
import KitCrypto
#if canImport(Glibc)
import Glibc
#endif

/// A file being received: written to a temporary file in the store's `incoming/` folder (same
/// file system as the blobs, so the final rename is atomic) as its bytes arrive, hashed as it
/// goes, its first bytes kept for sniffing. `finish()` gives its hash; `place` renames it to its
/// content address and fsyncs it while the caller writes its rows, `durable()` waits for that. Anything not committed is unlinked (`discard`, or at the latest on deinit):
/// a refused or interrupted upload leaves nothing behind.
final class BlobWriter {
    /// How many leading bytes are kept for sniffing the type early.
    static let headBytes = 64

    let path: String
    private var fd: Int32
    /// Hashes the pieces in order on its own thread while this one writes them (`write`): the
    /// SHA-256 of a 5 MiB upload (about 3 ms) no longer adds to the writing.
    private let hashing = PipelinedHash()
    private(set) var size = 0
    private(set) var head: [UInt8] = []
    private var settled = false
    /// Bytes already handed to the disk's writeback (`startWriteback`).
    private var writebackFrom = 0
    /// How much is written before its writeback is started.
    static let writebackWindow = 2 << 20

    init(store: BlobStore) throws {
        let dir = store.incomingDirectory
        path = "\(dir)/.tmp-\(Hex.encode(SecureRandom.bytes(12)))"
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw BlobStore.Failure.io("create \(path)", errno) }
    }

    deinit { discard() }

    /// Appends bytes: hashed, then written.
    func write(_ bytes: ArraySlice<UInt8>) throws {
        guard !bytes.isEmpty else { return }
        if head.count < BlobWriter.headBytes {
            head.append(contentsOf: bytes.prefix(BlobWriter.headBytes - head.count))
        }
        hashing.add(bytes)
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw BlobStore.Failure.io("write \(path)", errno)
                }
                done += n
            }
        }
        size += bytes.count
        if size - writebackFrom >= BlobWriter.writebackWindow {
            BlobWriter.startWriteback(fd, from: writebackFrom, count: size - writebackFrom)
            writebackFrom = size
        }
    }

    /// Starts writing a range to disk without waiting (sync_file_range SYNC_FILE_RANGE_WRITE), so
    /// the disk works while the rest arrives and the final fsync has little left to wait for.
    /// Best effort: where the file system cannot, the fsync does it all.
    private static func startWriteback(_ fd: Int32, from offset: Int, count: Int) {
        _ = csys_start_writeback(fd, Int64(offset), Int64(count))
    }

    /// Allocates the blocks of a file of (at most) `bytes` before it is written (the body's
    /// declared length): the writes then skip ext4's block-by-block delayed allocation (about a
    /// fifth of the writing's CPU here) and the writeback has its extents. The size stays what is
    /// written; what is left over is freed by `finish`. Best effort (some file systems cannot).
    func reserve(_ bytes: Int) {
        guard fd >= 0, bytes > 0, reserved == 0 else { return }
        if csys_reserve_blocks(fd, Int64(bytes)) == 0 { reserved = bytes }
    }

    /// Bytes `reserve` allocated (0: none).
    private var reserved = 0

    /// All bytes are in: returns their SHA-256 (lowercase hex) and starts writing the rest to
    /// disk without waiting, so the disk works while the file is checked and its row inserted.
    /// The file is made durable by `commit`.
    func finish() throws -> String {
        guard fd >= 0 else { throw BlobStore.Failure.io("finish \(path)", EBADF) }
        // Blocks reserved past the end (a multipart envelope, a shorter body) are released.
        if reserved > size && ftruncate(fd, off_t(size)) != 0 { throw BlobStore.Failure.io("truncate \(path)", errno) }
        if size > writebackFrom {
            BlobWriter.startWriteback(fd, from: writebackFrom, count: size - writebackFrom)
            writebackFrom = size
        }
        return Hex.encode(hashing.finish())
    }

    /// Moves the finished file to the blob of `sha256` (its hash, from `finish()`) and starts
    /// making it durable, unless that blob is stored already (then the temporary file is
    /// removed). True when a new blob was made. `durable()` waits for the fsyncs: call it before
    /// committing anything that refers to the blob.
    ///
    /// The rename comes first, then the file and its directory are fsynced at the same time, on
    /// two threads, while the caller writes its rows: on a journalling file system (ext4, xfs)
    /// both fsyncs wait for the one journal commit (and disk cache flush) that carries the
    /// file's blocks and its new name, where one after the other the directory's fsync paid a
    /// second flush (about 4 ms of a small upload here). A crash between the rename and the
    /// fsyncs can leave a blob that is not whole under its name: `BlobStore.holds` therefore
    /// re-hashes a stored blob before an upload of the same bytes relies on it.
    func place(into store: BlobStore, sha256: String) throws -> Bool {
        guard !settled else { return false }
        if store.holds(sha256, size: size) {
            discard()
            return false
        }
        let final = try store.path(sha256)
        let dir = String(final[..<final.lastIndex(of: "/")!])
        // New fan-out directories (the first blob under sha256/ab/cd) are entries in their
        // parents: those are synced too, or a crash could lose the path to a committed blob.
        let newEntries = try BlobStore.makeDirectories(dir)
        guard rename(path, final) == 0 else { throw BlobStore.Failure.io("rename \(path)", errno) }
        settled = true
        let file = fd, failure = SyncFailure(), group = DispatchGroup()
        DispatchQueue.global().async(group: group) { if fsync(file) != 0 { failure.set(errno) } }
        DispatchQueue.global().async(group: group) {
            for parent in newEntries { BlobStore.syncDirectory(parent) }
            BlobStore.syncDirectory(dir)
        }
        syncing = (group, failure, final)
        return true
    }

    /// Waits for the fsyncs `place` started (nothing to wait for when it stored nothing) and
    /// closes the file. A failed fsync removes the blob and throws.
    func durable() throws {
        guard let (group, failure, final) = syncing else { return }
        syncing = nil
        group.wait()
        close(fd)
        fd = -1
        if failure.value != 0 {
            unlink(final)
            throw BlobStore.Failure.io("fsync \(final)", failure.value)
        }
    }

    /// The fsyncs in flight after `place`: their group, the file's errno, the blob's path.
    private var syncing: (DispatchGroup, SyncFailure, String)?

    /// Closes and unlinks the temporary file (nothing happens once committed).
    func discard() {
        if let (group, _, _) = syncing { group.wait(); syncing = nil } // the fsync thread uses fd
        if fd >= 0 { close(fd); fd = -1 }
        guard !settled else { return }
        settled = true
        unlink(path)
    }
}

/// The errno of a placed file's fsync, written by the thread that ran it.
private final class SyncFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var code: Int32 = 0
    func set(_ c: Int32) { lock.lock(); code = c; lock.unlock() }
    var value: Int32 { lock.lock(); defer { lock.unlock() }; return code }
}

/// A SHA-256 fed on a serial queue: pieces are hashed in the order they were added, on another
/// thread than the caller's; `finish` waits for the last and gives the digest.
private final class PipelinedHash: @unchecked Sendable {
    private let hasher = SHA256.Hasher()
    private let queue = DispatchQueue(label: "documents.blob-hash")
    private let group = DispatchGroup()

    func add(_ piece: ArraySlice<UInt8>) {
        queue.async(group: group) { [self] in piece.withUnsafeBytes { hasher.update($0) } }
    }

    func finish() -> [UInt8] {
        group.wait()
        return queue.sync { hasher.finalize() }
    }
}
