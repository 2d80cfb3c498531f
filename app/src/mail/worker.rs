//! The background worker that drains the outbox.

use super::outbox::{self, MAX_ATTEMPTS, backoff};
use super::transport::Mailer;
use crate::ssr::Clock;
use chrono::Duration;
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use tokio::sync::Notify;

/// How long a claimed message stays reserved for the worker that claimed it.
const LEASE: i64 = 120;
const BATCH: u64 = 20;

/// Sends every message that is due now; answers how many were attempted.
pub async fn process_due(db: &DatabaseConnection, mailer: &Mailer, clock: &dyn Clock) -> Result<usize, DbErr> {
    let claimed = outbox::claim_due(db, clock.now(), Duration::seconds(LEASE), BATCH).await?;
    for mail in &claimed {
        match mailer.send(mail).await {
            Ok(()) => {
                outbox::mark_sent(db, mail.id, clock.now()).await?;
                tracing::info!(outbox_id = mail.id, attempts = mail.attempts, "mail sent");
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
    Ok(claimed.len())
}

/// Runs until the process ends: wakes when signalled (a new message) or every `poll`.
pub async fn run(db: DatabaseConnection, mailer: Mailer, clock: Arc<dyn Clock>, signal: Arc<Notify>, poll: std::time::Duration) {
    loop {
        match process_due(&db, &mailer, clock.as_ref()).await {
            Ok(n) if n as u64 == BATCH => continue,
            Ok(_) => {}
            Err(err) => tracing::error!(error = %err, "outbox worker could not reach the database"),
        }
        tokio::select! {
            _ = signal.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}
