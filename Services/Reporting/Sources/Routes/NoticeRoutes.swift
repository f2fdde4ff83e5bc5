import KitHTTP
import ServiceKit

/// 信息发布 and 反馈 (through the gateway, access token required).
enum NoticeRoutes {
    static func install(_ router: Router, _ context: ServiceContext) {
        let notices = NoticeHandlers(context: context)
        let feedback = NoticeFeedbackHandlers(context: context)
        let v1 = "/api/reporting/v1"
        router.get("\(v1)/notices", notices.list)
        router.post("\(v1)/notices", notices.publish)
        router.get("\(v1)/notices/unread-count", notices.unreadCount)
        router.get("\(v1)/notices/managed", notices.managed)
        router.get("\(v1)/notices/:id", notices.detail)
        router.delete("\(v1)/notices/:id", notices.withdraw)
        router.post("\(v1)/notices/:id/read", notices.markRead)
        router.post("\(v1)/feedback", feedback.send)
        router.get("\(v1)/feedback", feedback.list)
        router.get("\(v1)/feedback/mine", feedback.mine)
        router.patch("\(v1)/feedback/:id", feedback.update)
    }
}
