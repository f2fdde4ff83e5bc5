import Foundation
import KitClient
import KitCore
import KitPostgres
import ServiceKit

/// Sends queued messages: SMS through an HTTP provider (SMS_PROVIDER_URL, JSON
/// {"phone","text"}), e-mail through SMTP (SMTP_URL, with SMTP_USER/SMTP_PASSWORD, SMTP_FROM,
/// SMTP_REQUIRE_TLS). Without a provider the message stays in the dev inbox, marked sent.
/// Outside dev mode the body is replaced once sent, so codes and passwords do not stay in
/// the database.
/// Transient failures retry with backoff; permanent ones are marked failed.
enum MessageSender {
    static func task(_ context: ServiceContext) -> BackgroundTask {
        let smsURL = Env.optional("SMS_PROVIDER_URL")
        let mailer: SMTPMailer? = Env.optional("SMTP_URL").map {
            SMTPMailer(url: $0, username: Env.optional("SMTP_USER"), password: Env.optional("SMTP_PASSWORD"),
                       requireTLS: Env.bool("SMTP_REQUIRE_TLS", false))
        }
        let from = Env.string("SMTP_FROM", "noreply@quality.local")
        return BackgroundTask(name: "identity-messages", interval: 0.3) {
            (try? sendBatch(context, smsURL: smsURL, mailer: mailer, from: from)) ?? false
        }
    }

    static func sendBatch(_ context: ServiceContext, smsURL: String?, mailer: SMTPMailer?, from: String) throws -> Bool {
        let db = context.database
        let rows = try db.query("""
            UPDATE messages SET attempts = attempts + 1, next_attempt_at = now() + interval '60 seconds'
            WHERE id IN (SELECT id FROM messages WHERE status = 'pending' AND next_attempt_at <= now()
                         ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
            RETURNING id::text, channel, recipient, subject, body, attempts
            """).rows
        for row in rows {
            let id = try row.string("id")
            let channel = try row.string("channel")
            let recipient = try row.string("recipient")
            let body = try row.string("body")
            let attempts = try row.int("attempts")
            do {
                if channel == "sms", let url = smsURL {
                    let r = try context.http.send(ClientRequest(method: "POST", url: url, headers: [("Content-Type", "application/json")],
                        body: try JSON.encode(["phone": recipient, "text": body]), idempotencyKey: id))
                    guard (200..<300).contains(r.status) else {
                        throw r.status >= 500 ? MailError.transient(r.status, "sms provider") : MailError.permanent(r.status, "sms provider")
                    }
                } else if channel == "email", let mailer {
                    try mailer.send(MailMessage(from: from, to: [recipient], subject: row.optionalString("subject") ?? "", body: body))
                }
                // Outside dev mode the text (codes, initial passwords) is not kept once sent.
                try db.query("""
                    UPDATE messages SET status = 'sent', sent_at = now(), last_error = NULL,
                    body = CASE WHEN $2 THEN body ELSE '[已发送]' END WHERE id = $1::uuid
                    """, [id, context.settings.devMode])
            } catch MailError.permanent(let code, let msg) {
                context.logger.warning("message refused", ["id": id, "channel": channel, "code": String(code)])
                try db.query("UPDATE messages SET status = 'failed', last_error = $2 WHERE id = $1::uuid", [id, "\(code) \(msg)"])
            } catch {
                let status = attempts >= 8 ? "failed" : "pending"
                try db.query("""
                    UPDATE messages SET status = $2, last_error = $3,
                    next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1::uuid
                    """, [id, status, String(describing: error).prefix(300).description, min(600.0, pow(2.0, Double(attempts)))])
            }
        }
        return rows.count == 20
    }
}
