import CSystem

/// glibc allocator settings for a server that streams bodies. A body arrives in pieces of up to
/// `SocketBodyStream.maxPiece` (256 KiB), allocated on the event loop's thread and freed on a
/// worker's. With glibc's defaults each piece came from fresh pages (an mmap of its own, or an
/// arena trimmed right after the free) that the first read into it faulted in and zeroed: in a
/// perf profile of 5 MiB uploads, page faults and `clear_page` inside the socket copy were a
/// tenth of the documents service's time. Pieces now come from the arenas and freed memory
/// stays for the next piece (up to `trimThreshold` per arena before it is given back).
enum MemoryTuning {
    /// Allocations above this get an mmap of their own.
    static let mmapThreshold: Int32 = 4 << 20
    /// Free memory at the top of an arena kept before it is returned to the system.
    static let trimThreshold: Int32 = 16 << 20

    static func apply() {
        _ = csys_malloc_tune(mmapThreshold, trimThreshold)
    }
}
