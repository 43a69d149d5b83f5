//! Delivering the outbox. Messages are written in the transaction that causes
//! them; this sender claims due ones, hands them to a [`MailTransport`], and
//! on failure leaves them queued with a growing delay. Nothing is lost: a
//! message stays until a transport accepts it, across restarts, and a claim
//! is a lease, so a sender that dies mid-delivery only delays a message.

use crate::store::OutboxMail;
use crate::Core;
use async_trait::async_trait;
use chrono::Duration;
use std::time::Duration as StdDuration;
use tokio::sync::watch;

/// Where messages go: SMTP, or the log when no SMTP server is set.
#[async_trait]
pub trait MailTransport: Send + Sync {
    /// `Err` carries a reason for the log; the message will be retried.
    async fn send(&self, mail: &OutboxMail) -> Result<(), String>;
}

/// How long a claim lasts before another sender may take the message.
const LEASE_SECS: i64 = 120;
const BATCH: i64 = 20;

/// The delay before attempt `attempts + 1`: doubling from `base`, at most 15 minutes.
pub fn backoff(base: StdDuration, attempts: i64) -> StdDuration {
    let factor = 2u32.saturating_pow(attempts.clamp(0, 20) as u32);
    base.saturating_mul(factor).min(StdDuration::from_secs(15 * 60))
}

impl Core {
    /// Runs until `stop` turns true: delivers what is due, then waits for a
    /// new message or the poll interval.
    pub async fn run_outbox(&self, transport: &dyn MailTransport, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let delivered = self.deliver_due(transport).await;
            if delivered {
                continue;
            }
            tokio::select! {
                _ = self.outbox_signal.notified() => {}
                _ = tokio::time::sleep(self.settings.outbox_poll) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// One pass; true when it claimed anything (there may be more).
    pub async fn deliver_due(&self, transport: &dyn MailTransport) -> bool {
        let now = self.clock.now();
        let due = match self.store.claim_due_mail(now, now + Duration::seconds(LEASE_SECS), BATCH).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: could not read queued mail");
                return false;
            }
        };
        for mail in &due {
            let result = transport.send(mail).await;
            let now = self.clock.now();
            let stored = match result {
                Ok(()) => {
                    tracing::info!(id = %mail.id, to = %mail.recipient, "outbox: delivered");
                    self.store.mark_mail_sent(&mail.id, now).await
                }
                Err(reason) => {
                    let attempts = mail.attempts + 1;
                    let wait = backoff(self.settings.outbox_retry_base, attempts - 1);
                    tracing::warn!(id = %mail.id, attempts, retry_in_ms = wait.as_millis() as u64, %reason, "outbox: delivery failed");
                    let retry_at = now + Duration::from_std(wait).unwrap_or(Duration::minutes(15));
                    self.store.mark_mail_failed(&mail.id, attempts, retry_at, &reason).await
                }
            };
            if let Err(e) = stored {
                tracing::warn!(id = %mail.id, error = %e, "outbox: could not record the outcome; the lease will expire and it is retried");
            }
        }
        !due.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = StdDuration::from_secs(5);
        assert_eq!(backoff(base, 0), StdDuration::from_secs(5));
        assert_eq!(backoff(base, 3), StdDuration::from_secs(40));
        assert_eq!(backoff(base, 50), StdDuration::from_secs(900));
    }
}
