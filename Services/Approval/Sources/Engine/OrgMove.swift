import KitPostgres
import Models

/// An institution's region changed (identity's 变更资料, docs/accounts.md): requests still
/// pending about it, or about its users, follow its new path, so the approvers of its new
/// region (and its own administrator, whose grant moved with it) see and decide them, and the
/// old region's no longer do. Each stage not decided yet takes the path of its level under the
/// new one; a rule-all stage whose organisations were listed under the old path lists them
/// again. Decided stages and the history stay as they were; the history notes the move.
enum OrgMove {
    struct Moved: Sendable {
        var requests = 0
        var restartedStages = 0
        /// Requests whose new path approval cannot take (its levels do not fit the chain): left
        /// where they were, their ids for the log, rather than the whole move refused forever.
        var skipped: [String] = []
    }

    static func apply(_ conn: PGConnection, orgID: String, orgPath: String) throws -> Moved {
        var moved = Moved()
        for (id, oldPath) in try OrgMoveStore.pendingUnder(conn, orgID: orgID) {
            let segments = oldPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard let node = segments.firstIndex(of: orgID) else { continue }
            let newPath = ([orgPath] + segments[(node + 1)...]).joined(separator: "/")
            guard newPath != oldPath else { continue }
            let stages = try StageStore.all(conn, requestID: id).filter { [.waiting, .resolving, .pending].contains($0.status) }
            let scope: SubjectScope
            let paths: [String]
            do {
                scope = try SubjectScope(newPath, provinceCode: nil, cityCode: nil)
                paths = try stages.map { try scope.path(at: $0.scope) }
            } catch is APIError {
                moved.skipped.append(id)
                continue
            }
            try OrgMoveStore.moveRequest(conn, id: id, scopePath: newPath, provinceCode: scope.provinceCode, cityCode: scope.cityCode)
            for (stage, path) in zip(stages, paths) where path != stage.scopePath {
                let restart = stage.rule == .all && stage.status != .waiting
                try OrgMoveStore.moveStage(conn, requestID: id, index: stage.index, scopePath: path, restart: restart)
                if restart { moved.restartedStages += 1 }
            }
            try EventStore.append(conn, requestID: id, NewEvent(kind: "moved", note: "机构所在地区变更，申请转由新地区审批"))
            moved.requests += 1
        }
        return moved
    }
}
