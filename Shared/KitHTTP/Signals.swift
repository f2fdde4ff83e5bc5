import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// Termination signals handled on a thread with signalfd, never in a signal handler.
public enum Signals {
    /// Blocks SIGINT/SIGTERM/SIGPIPE for this thread and every thread started after it, and
    /// returns a signalfd for SIGINT/SIGTERM. Call first thing in `main`.
    public static func prepare() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        return csys_signalfd_term()
    }

    /// Blocks until SIGINT or SIGTERM arrives on the descriptor from `prepare()`.
    public static func wait(_ fd: Int32) -> Int32 {
        while true {
            let s = csys_signalfd_read(fd)
            if s > 0 { return s }
            if errno != EINTR { return -1 }
        }
    }
}
