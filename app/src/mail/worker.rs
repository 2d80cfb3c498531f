//! The background worker that drains the outbox.

use super::outbox::{self, MAX_ATTEMPTS, OutboxSignal, backoff};
use super::templates::MailContent;
use super::transport::{Mailer, SendError};
use crate::ssr::Clock;
use chrono::Duration;
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use tokio::time::Instant;

/// Messages claimed at once, and how long they stay reserved for the worker that claimed them:
/// long enough for every one of them to hit the 20 s SMTP timeout, so a slow server never
/// lets another instance claim (and send) a message this worker still holds.
const BATCH: u64 = 50;
const LEASE: i64 = 20 * 50 + 120;
/// Successes are recorded together once this much time has passed since the last record (and
/// at the end of each batch). Fast sending (captured mail, a nearby relay) then costs one write
/// per batch instead of one per few messages, and a crash mid-batch can resend at most what
/// went out in this window.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
/// After a wake-up, wait this long so a burst of new mail goes out as one batch: fewer writes
/// competing with requests for the database, for a delay no recipient notices.
const GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// Sends every message that is due now; answers how many were attempted.
pub async fn process_due(db: &DatabaseConnection, mailer: &Mailer, clock: &dyn Clock) -> Result<usize, DbErr> {
    let claimed = outbox::claim_due(db, clock.now(), Duration::seconds(LEASE), BATCH).await?;
    let mut sent = Vec::new();
    let mut recorded_at = Instant::now();
    for mail in &claimed {
        // Content that cannot be rendered will not render on a retry either.
        let sending = match MailContent::render_json(&mail.content) {
            Ok(email) => mailer.send(mail.id, &mail.to_address, &email).await,
            Err(message) => Err(SendError { permanent: true, message }),
        };
        match sending {
            Ok(()) => {
                sent.push(mail.id);
                tracing::info!(outbox_id = mail.id, attempts = mail.attempts, "mail sent");
                if recorded_at.elapsed() >= FLUSH_EVERY {
                    outbox::mark_sent(db, std::mem::take(&mut sent), clock.now()).await?;
                    recorded_at = Instant::now();
                }
            }
            Err(err) if err.permanent || mail.attempts >= MAX_ATTEMPTS => {
                outbox::mark_failed(db, mail.id, &err.message).await?;
                tracing::warn!(outbox_id = mail.id, error = %err.message, "mail failed; not retrying");
            }
            Err(err) => {
                let next = clock.now() + backoff(mail.attempts);
                outbox::mark_retry(db, mail.id, &err.message, next).await?;
                tracing::warn!(outbox_id = mail.id, error = %err.message, retry_at = %next, "mail not sent; will retry");
            }
        }
    }
    outbox::mark_sent(db, sent, clock.now()).await?;
    Ok(claimed.len())
}

/// Runs until the process ends: wakes when signalled (a new message) or every `poll`.
pub async fn run(db: DatabaseConnection, mailer: Mailer, clock: Arc<dyn Clock>, signal: OutboxSignal, poll: std::time::Duration) {
    loop {
        match process_due(&db, &mailer, clock.as_ref()).await {
            Ok(n) if n as u64 == BATCH => continue,
            Ok(_) => {}
            Err(err) => tracing::error!(error = %err, "outbox worker could not reach the database"),
        }
        tokio::select! {
            _ = signal.woken() => tokio::time::sleep(GATHER).await,
            _ = tokio::time::sleep(poll) => {}
        }
    }
}
