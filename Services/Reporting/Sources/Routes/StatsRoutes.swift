import Models
import KitHTTP
import ServiceKit

/// Statistics and monitoring routes (access token required; scope in SQL). docs/statistics.md.
enum StatsRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let stats = StatsHandlers(context: context)
        let v1 = "/api/reporting/v1/stats"
        router.get("\(v1)/rollup", stats.rollup)
        router.get("\(v1)/trend", stats.trend)
        router.get("\(v1)/compare", stats.compare)
        router.get("\(v1)/completeness", stats.completeness)
        router.get("\(v1)/missing", stats.missing)
        router.post("\(v1)/reminders", stats.remind)
        router.get("\(v1)/reminders", stats.reminders)
    }
}
