import Foundation
import KitCore
import KitHTTP
import ServiceKit

/// The reporting service: owns schema `reporting`. Programs, forms and indicator sets as
/// data, enrolment, reports with their values, edit log, submission.
public enum ReportingService {
    public static var definition: ServiceRunner.Definition {
        var d = ServiceRunner.Definition(name: .reporting,
                                         migrations: Bundle.module.url(forResource: "Migrations", withExtension: nil)) { context, router in
            PublicRoutes.install(router, context)
            InternalRoutes.install(router, context)
            NoticeRoutes.install(router, context)
            RegistryRoutes.install(router, context)
            StatsRoutes.install(router, context)
            CheckRoutes.install(router, context)
            FormTemplateRoutes.install(router, context)
            EnrolmentRoutes.install(router, context)
            BindingRoutes.install(router, context)
            OrgMoveRoutes.install(router, context)
        }
        d.background = [OutboxDeliverer.task, StatsFolder.task]
        // deadline reminders: on in production; in dev mode (tests, demo) only with REMINDERS=1,
        // otherwise through the internal trigger with a fixed instant
        if Env.bool("REMINDERS", !Env.bool("DEV_MODE", false)) { d.background.append(Reminders.task) }
        if Env.bool("DEV_MODE", false) && Env.bool("SEED_DEMO", false) {
            d.background.append(DemoSeed.task)
        }
        return d
    }
}
