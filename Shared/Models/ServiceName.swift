/// The services of the suite and their default ports.
public enum ServiceName: String, Sendable, CaseIterable {
    case identity, documents, approval, reporting, gateway

    public var defaultPort: Int {
        switch self {
        case .gateway: return 8080
        case .identity: return 8081
        case .documents: return 8082
        case .approval: return 8083
        case .reporting: return 8084
        }
    }
}
