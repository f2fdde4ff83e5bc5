import Foundation

/// Configuration comes only from environment variables; every variable has a default here
/// and a line in the README.
public enum Env {
    public static func string(_ name: String, _ fallback: String) -> String {
        if let v = ProcessInfo.processInfo.environment[name], !v.isEmpty { return v }
        return fallback
    }

    public static func optional(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    public static func int(_ name: String, _ fallback: Int) -> Int {
        guard let v = optional(name), let i = Int(v) else { return fallback }
        return i
    }

    public static func double(_ name: String, _ fallback: Double) -> Double {
        guard let v = optional(name), let d = Double(v) else { return fallback }
        return d
    }

    public static func bool(_ name: String, _ fallback: Bool) -> Bool {
        guard let v = optional(name)?.lowercased() else { return fallback }
        return ["1", "true", "yes", "on"].contains(v)
    }

    /// Comma-separated list, trimmed, empty entries dropped.
    public static func list(_ name: String, _ fallback: [String]) -> [String] {
        guard let v = optional(name) else { return fallback }
        return v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
