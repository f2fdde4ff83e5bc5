import KitHTTP
import ServiceKit

/// Internal routes (X-Internal-Token; the gateway answers 404 for them) → handlers → store.
enum InternalRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let requests = InternalRequestHandlers(context: context)
        let chains = ChainHandlers(context: context)
        let v1 = "/api/approval/v1/internal"
        router.post("\(v1)/requests", requests.create)
        router.get("\(v1)/requests/by-subject", requests.bySubject)
        router.post("\(v1)/requests/by-subject/withdraw", requests.withdrawSubject)
        router.post("\(v1)/requests/:id/withdraw", requests.withdraw)
        router.get("\(v1)/requests/:id/delivery", requests.delivery)
        router.post("\(v1)/can-view", requests.canView)
        router.put("\(v1)/chains/:code", chains.upsert)
        router.post("\(v1)/org-moves", options: RouteOptions(maxBody: 4 * 1024), OrgMoveHandlers(context: context).move)
    }
}
