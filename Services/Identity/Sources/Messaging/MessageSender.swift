import Foundation
import KitClient
import KitCore
import ServiceKit

/// Sends queued messages: SMS through an HTTP provider (SMS_PROVIDER_URL, JSON
/// {"phone","text"}), e-mail through SMTP (SMTP_URL, with SMTP_USER/SMTP_PASSWORD, SMTP_FROM,
/// SMTP_REQUIRE_TLS, SMTP_CA_FILE: a PEM file of the CAs trusted for the relay instead of the
/// system store). Without a provider the message stays in the dev inbox, marked sent.
/// Outside dev mode the body is replaced after the last attempt (sent, refused or given up),
/// so codes and passwords do not stay in the database.
/// Transient failures retry with backoff; permanent ones are marked failed.
enum MessageSender {
    static func task(_ context: ServiceContext) -> BackgroundTask {
        let smsURL = Env.optional("SMS_PROVIDER_URL")
        let mailer: SMTPMailer? = Env.optional("SMTP_URL").map {
            SMTPMailer(url: $0, username: Env.optional("SMTP_USER"), password: Env.optional("SMTP_PASSWORD"),
                       requireTLS: Env.bool("SMTP_REQUIRE_TLS", false), caFile: Env.optional("SMTP_CA_FILE"))
        }
        let from = Env.string("SMTP_FROM", "noreply@quality.local")
        return BackgroundTask(name: "identity-messages", interval: 0.3) {
            (try? sendBatch(context, smsURL: smsURL, mailer: mailer, from: from)) ?? false
        }
    }

    static func sendBatch(_ context: ServiceContext, smsURL: String?, mailer: SMTPMailer?, from: String) throws -> Bool {
        let store = MessageStore.Outgoing(db: context.database)
        // Outside dev mode the text (codes, initial passwords) is not kept after its last
        // delivery attempt: sent, refused, or given up after the last retry.
        let keepBody = context.settings.devMode
        let batch = try store.claim(limit: 20)
        for m in batch {
            do {
                if m.channel == "sms", let url = smsURL {
                    let r = try context.http.send(ClientRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")],
                        body: try JSON.encode(["phone": m.recipient, "text": m.body]), idempotencyKey: m.id))
                    guard (200..<300).contains(r.status) else {
                        throw r.status >= 500 ? MailError.transient(r.status, "sms provider") : MailError.permanent(r.status, "sms provider")
                    }
                } else if m.channel == "email", let mailer {
                    try mailer.send(MailMessage(from: from, to: [m.recipient], subject: m.subject ?? "", body: m.body))
                }
                try store.sent(id: m.id, keepBody: keepBody)
            } catch MailError.permanent(let code, let msg) {
                context.logger.warning("message refused", ["id": m.id, "channel": m.channel, "code": String(code)])
                try store.failed(id: m.id, error: "\(code) \(msg)", keepBody: keepBody)
            } catch {
                let error = String(describing: error).prefix(300).description
                if m.attempts >= maxAttempts {
                    try store.failed(id: m.id, error: error, keepBody: keepBody)
                } else {
                    try store.retry(id: m.id, error: error, afterSeconds: min(600.0, pow(2.0, Double(m.attempts))))
                }
            }
        }
        return batch.count == 20
    }

    static let maxAttempts = 8
}
