import KitHTTP
import ServiceKit

/// 绑定既往数据 (history records of the old system, binding through approval, 解绑) and the
/// lists of registry years.
enum BindingRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let h = BindingHandlers(context: context)
        let v1 = "/api/reporting/v1"
        router.get("\(v1)/history-records", h.search)
        router.get("\(v1)/history-records/:id", h.show)
        router.post("\(v1)/history-records/:id/binding", h.request)
        router.get("\(v1)/history-bindings", h.list)
        router.post("\(v1)/history-bindings/:id/unbind", h.unbind)
        router.get("\(v1)/registry-years/:program", h.years)
        router.post("\(v1)/internal/binding-outcomes", h.outcome)
    }
}
