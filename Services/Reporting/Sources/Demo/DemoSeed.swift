import Foundation
import KitCore
import KitPostgres
import ServiceKit

/// Dev-mode demo history (DEV_MODE=1 and SEED_DEMO=1, as `scripts/run` starts the suite): the
/// demo hospitals of identity's demo seed (DemoData.hospitals, found by name in identity's
/// directory) are enrolled in every program with about a year of history: Zhejiang months
/// mostly accepted, some late, some returned with the centre's opinion, the newest a draft or
/// not started; quarters, weeks and last year's stroke report submitted. Runs in the
/// background until identity answers; each hospital once (advisory lock, idempotent).
enum DemoSeed {
    final class State: @unchecked Sendable {
        private let lock = NSLock()
        private var done = false
        private var tries = 0
        func isDone() -> Bool { lock.withLock { done } }
        func finish() { lock.withLock { done = true } }
        func attempt() -> Int { lock.withLock { tries += 1; return tries } }
    }

    static func task(_ context: ServiceContext) -> BackgroundTask {
        let state = State()
        return BackgroundTask(name: "reporting-demo-seed", interval: 3) {
            guard !state.isDone() else { return false }
            let attempt = state.attempt()
            do {
                let found = try run(context)
                if found == DemoData.hospitals.count || attempt >= 40 {
                    if found < DemoData.hospitals.count {
                        context.logger.error("demo hospitals missing in identity's directory", ["found": String(found)])
                    }
                    state.finish()
                }
            } catch {
                context.logger.error("demo seed failed", ["error": String(describing: error)])
                if attempt >= 40 { state.finish() }
            }
            return false
        }
    }

    struct Org: Decodable { let id: String; let name: String; let scopePath: String }
    struct Page: Decodable { let items: [Org] }

    /// Seeds the demo hospitals identity knows; returns how many it found.
    static func run(_ context: ServiceContext, now: Date = Date()) throws -> Int {
        var found = 0
        for (name, _) in DemoData.hospitals {
            // by name: the directory lists at most 500 institutions, and a demo may hold more
            var q = URLComponents()
            q.queryItems = [URLQueryItem(name: "kind", value: "institution"), URLQueryItem(name: "name", value: name)]
            let url = "\(context.settings.identityURL)/api/identity/v1/internal/organisations?\(q.percentEncodedQuery ?? "")"
            let orgs = try context.http.getJSON(url, headers: context.internalHeaders, as: Page.self).items
            guard let org = orgs.first(where: { $0.name == name }) else { continue }
            found += 1
            try context.database.transaction { conn in
                try DemoStore.lock(conn, orgID: org.id)
                guard !(try DemoStore.seeded(conn, orgID: org.id)) else { return }
                try seed(conn, org: org, now: now)
            }
            context.logger.info("demo history seeded", ["hospital": org.name])
        }
        return found
    }

    static func seed(_ conn: PGConnection, org: Org, now: Date) throws {
        let day: TimeInterval = 86400
        // 绑定既往数据: two earlier stroke years of the old system under the hospital's name, unbound
        try BindingStore.seedDemo(conn, programCode: "stroke_annual", name: org.name, scopePath: org.scopePath, orgID: org.id)
        for (program, _) in try DefinitionStore.programs(conn, orgID: nil) {
            try DemoStore.enrol(conn, programID: program.id, orgID: org.id, scopePath: org.scopePath, at: now - 400 * day)
            guard program.windowRule == .offset, var p = Period.containing(now, program.periodType) else { continue }
            let count: Int
            switch program.periodType { case .month: count = 12; case .quarter: count = 4; case .week: count = 8; case .year: count = 1 }
            var periods: [(Period, Window)] = []
            for _ in 0..<60 where periods.count < count {
                if let w = program.offsetWindow(p), w.opensAt <= now { periods.append((p, w)) }
                guard let prev = p.previous else { break }
                p = prev
            }
            let forms = try DefinitionStore.forms(conn, programID: program.id)
            for (index, (period, window)) in periods.enumerated() {
                let seed = "\(org.id):\(program.code):\(period.key)"
                var fate = DemoData.fate(seed: seed, index: index, newest: index == 0 && window.isOpen(now))
                if case .returned = fate, program.reviewChain == nil { fate = .done(late: false) }
                if case .done(late: true) = fate, !program.lateEntry { fate = .done(late: false) }
                if fate == .none { continue }
                var r = DemoData.Rand(seed + ":time")
                let windowDays = max(1, Int(window.closesAt.timeIntervalSince(window.opensAt) / day) - 1)
                var submitted: Date
                switch fate {
                case .done(late: true): submitted = window.closesAt + Double(r.int(1, 12)) * day + Double(r.int(3600, 30000))
                default: submitted = window.opensAt + Double(r.int(0, windowDays - 1)) * day + Double(r.int(30000, 60000))
                }
                if submitted > now { submitted = now - 3600 }
                let created = submitted - Double(r.int(1, 3)) * day
                let decided = min(now, submitted + Double(r.int(1, 4)) * day)
                for form in forms {
                    guard let version = try DefinitionStore.version(conn, formID: form.id, period: period.key) else { continue }
                    let def = try DefinitionStore.definition(conn, version: version)
                    guard let values = DemoData.values(def, seed: "\(seed):\(form.code)", day: Time.chinaDay(submitted)) else { continue }
                    let status: String
                    var submittedAt: Date? = submitted
                    switch fate {
                    case .draft: status = "draft"; submittedAt = nil
                    case .returned: status = "returned"
                    default: status = program.reviewChain == nil ? "submitted" : "accepted"
                    }
                    let id = ID.new()
                    guard try DemoStore.report(conn, id: id, programID: program.id, formID: form.id, versionID: version.id,
                                               orgID: org.id, scopePath: org.scopePath, period: period.key, status: status,
                                               createdAt: created, updatedAt: status == "draft" ? created : decided,
                                               submittedAt: submittedAt) else { continue }
                    for ind in def.indicators {
                        guard let v = values[ind.code] else { continue }
                        try DemoStore.value(conn, reportID: id, indicatorID: ind.id, value: v, at: created)
                    }
                    try StatsStore.reportChanged(conn, reportID: id, from: "draft", to: status) // into the rollups
                    if program.reviewChain != nil, status != "draft" {
                        var opinion: String?
                        if case .returned(let o) = fate { opinion = o }
                        try DemoStore.review(conn, reportID: id, status: status == "returned" ? "returned" : "approved",
                                             opinion: opinion, openedAt: submitted, decidedAt: decided)
                    }
                }
            }
        }
    }
}
