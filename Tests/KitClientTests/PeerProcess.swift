import Foundation
#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// Test support: a fixture script from ./Fixtures run as a child process (a real peer, no mocks).
/// The script prints its port(s) on its first stdout line.
final class PeerProcess {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    let process = Process()
    /// The whitespace-separated values of the first stdout line (the ports).
    let announced: [String]

    init(script: String, arguments: [String] = [], startupTimeout: TimeInterval = 20) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", Self.fixtures.appendingPathComponent(script).path] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        try process.run()

        // Guard against a script that never prints: kill it, which ends the read below with EOF.
        let watchdog = DispatchWorkItem { [process] in
            if process.isRunning { process.terminate() }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + startupTimeout, execute: watchdog)
        var data = Data()
        while !data.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        watchdog.cancel()
        let line = String(decoding: data.prefix { $0 != 0x0A }, as: UTF8.self)
        announced = line.split(separator: " ").map(String.init)
        guard !announced.isEmpty else {
            stop()
            throw PeerError.noAnnouncement(script)
        }
        for port in ports {
            guard Self.waitUntilAnswering(port: port, timeout: startupTimeout) else {
                stop()
                throw PeerError.notAnswering(script, port)
            }
        }
    }

    var ports: [Int] { announced.compactMap { Int($0) } }
    var port: Int { ports.first ?? 0 }

    func stop() {
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
    }

    enum PeerError: Error {
        case noAnnouncement(String)
        case notAnswering(String, Int)
    }

    /// Polls until a TCP connect to 127.0.0.1:port succeeds.
    static func waitUntilAnswering(port: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if canConnect(port: port) { return true }
            usleep(20_000)
        }
        return false
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return rc == 0
    }

    /// A loopback port nobody listens on (bound, then released).
    static func unusedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Runs python3 with arguments and returns (exit status, stdout).
    @discardableResult
    static func python(_ arguments: [String]) throws -> (Int32, Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }
}
