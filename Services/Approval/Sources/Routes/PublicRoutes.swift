import KitHTTP
import ServiceKit

/// Public routes (through the gateway, access token required) → handlers → store.
enum PublicRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let inbox = InboxHandlers(context: context)
        let requests = RequestHandlers(context: context)
        let decisions = DecisionHandlers(context: context)
        let chains = ChainHandlers(context: context)
        let v1 = "/api/approval/v1"
        router.get("\(v1)/inbox", inbox.list)
        router.get("\(v1)/inbox/count", inbox.count)
        router.get("\(v1)/requests/:id", requests.detail)
        router.get("\(v1)/requests/:id/history", requests.history)
        router.post("\(v1)/requests/:id/withdraw", requests.withdraw)
        router.post("\(v1)/requests/:id/decisions", decisions.decide)
        router.post("\(v1)/decisions", decisions.batch)
        router.get("\(v1)/chains", chains.list)
    }
}
