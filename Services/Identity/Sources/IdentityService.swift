import Foundation
import KitCore
import KitHTTP
import ServiceKit

/// The identity service: owns schema `identity` — organisations, accounts, verification,
/// registration applications, sessions and tokens, outgoing SMS and e-mail.
public enum IdentityService {
    public static var definition: ServiceRunner.Definition {
        var d = ServiceRunner.Definition(name: .identity,
                                         migrations: Bundle.module.url(forResource: "Migrations", withExtension: nil)) { context, router in
            let keys = try SigningKeys.load(logger: context.logger)
            context.tokens.install([keys.keyID: keys.privateKey.publicKey])
            let app = IdentityApp(context: context, keys: keys, config: IdentityConfig.fromEnvironment())
            try OperatorBootstrap.run(app)
            if context.settings.devMode && Env.bool("SEED_DEMO", false) {
                try DemoSeed.run(app)
            }
            IdentityRoutes.install(router, app)
            ImportRoutes.install(router, app)
            NationalCentreRoutes.install(router, app)
            InfoConfirmationRoutes.install(router, app)
            VerifiedRegistrationRoutes.install(router, app)
            StrokeUserRoutes.install(router, app)
            RegrestRoutes.install(router, app)
        }
        d.background = [OutboxDeliverer.task, MessageSender.task, InfoConfirmationReminders.task]
        return d
    }
}
