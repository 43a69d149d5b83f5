//! Mail transports for the outbox: SMTP through lettre, or the log.

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use me_core::outbox::MailTransport;
use me_core::store::OutboxMail;
use std::time::Duration;

/// Delivers through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// `url` in lettre's forms: `smtp://host:port` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required`, `smtps://user:pass@host:465`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<SmtpMailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("ME_SMTP_URL is not a usable SMTP URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from.parse().map_err(|e| anyhow::anyhow!("ME_MAIL_FROM is not an address: {e}"))?;
        Ok(SmtpMailer { transport, from })
    }
}

#[async_trait]
impl MailTransport for SmtpMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        let to: Mailbox =
            mail.recipient.parse().map_err(|e| format!("recipient {} is not an address: {e}", mail.recipient))?;
        // lettre picks the transfer encoding (quoted-printable for our long link lines).
        let part = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(Body::new(mail.body.clone()));
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .singlepart(part)
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Without SMTP: writes each message to the log, so a newcomer finds the
/// verification link in the terminal.
pub struct LogMailer;

#[async_trait]
impl MailTransport for LogMailer {
    async fn send(&self, mail: &OutboxMail) -> Result<(), String> {
        let link =
            mail.body.split_whitespace().find(|w| w.starts_with("http://") || w.starts_with("https://")).unwrap_or("");
        tracing::info!(to = %mail.recipient, subject = %mail.subject, link, "mail (no ME_SMTP_URL set, so logged instead of sent)");
        Ok(())
    }
}
