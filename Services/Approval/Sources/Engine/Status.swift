/// Where a request stands.
enum RequestStatus: String, Codable, Sendable {
    case pending, approved, rejected, returned, withdrawn

    var isFinal: Bool { self != .pending }

    var title: String {
        switch self {
        case .pending: return "审批中"
        case .approved: return "已通过"
        case .rejected: return "未通过"
        case .returned: return "已退回"
        case .withdrawn: return "已撤回"
        }
    }
}

/// Where one stage of a request stands. `waiting`: an earlier stage is still open.
/// `resolving`: opened, its approving organisations are being listed at identity.
enum StageStatus: String, Codable, Sendable {
    case waiting, resolving, pending, approved, rejected, returned, withdrawn
}
