//! The background worker that drains the outbox.

use tracing::Instrument;
use super::outbox::{self, Lease, MAX_ATTEMPTS, OutboxSignal, backoff};
use crate::ssr::entities::outbox as outbox_row;
use super::templates::MailContent;
use super::transport::{Mailer, SendError};
use crate::ssr::Clock;
use chrono::Duration;
use sea_orm::{DatabaseConnection, DbErr};
use std::sync::Arc;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Messages claimed at once.
const BATCH: u64 = 50;

/// How long claimed messages stay reserved for the worker that claimed them: long enough for
/// every one of them to hit the send timeout, and two minutes more, so a slow server never
/// lets another instance claim (and send) a message this worker still holds. Should a worker
/// overrun it all the same, its updates no longer match the row's lease and change nothing.
fn lease(mailer: &Mailer) -> Duration {
    let all = mailer.timeout() * BATCH as u32 + std::time::Duration::from_secs(120);
    Duration::from_std(all).unwrap_or(Duration::hours(1))
}
/// Successes are recorded together once this much time has passed since the last record (and
/// at the end of each batch). Fast sending (captured mail, a nearby relay) then costs one write
/// per batch instead of one per few messages, and a crash mid-batch can resend at most what
/// went out in this window.
const FLUSH_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
/// After a wake-up, wait this long so a burst of new mail goes out as one batch: fewer writes
/// competing with requests for the database, for a delay no recipient notices.
const GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// Messages being sent at once. A message spends nearly all its time waiting for the mail
/// server's answers, so one at a time leaves both idle; a few in flight, each on a connection
/// of the transport's pool, keep a nearby relay busy (`bench/README.md`, "Mail throughput").
const IN_FLIGHT: usize = 8;

/// Sends every message that is due now, several at once; answers how many were attempted.
pub async fn process_due(db: &DatabaseConnection, mailer: &Mailer, clock: &dyn Clock) -> Result<usize, DbErr> {
    let claimed = outbox::claim_due(db, clock.now(), lease(mailer), BATCH).await?;
    // One claim, one lease for all its rows.
    let Some(lease) = claimed.first().and_then(Lease::of) else { return Ok(0) };
    let attempted = claimed.len();
    let reminders = claimed.iter().filter(|m| m.reminder).map(|m| m.id).collect();
    let closed = outbox::cancel_closed_reminders(db, reminders, lease, clock.now()).await?;
    let mut waiting = Vec::with_capacity(claimed.len());
    let mut cancelled = std::collections::HashSet::new();
    for mail in claimed.into_iter().filter(|m| !closed.contains(&m.id)) {
        if !mail.reminder {
            let content = mail.content.clone();
            waiting.push((mail, content));
            continue;
        }
        match outbox::give_reminder_its_link(db, &mail, lease, clock.now()).await {
            Ok((Some(content), others)) => {
                cancelled.extend(others);
                waiting.push((mail, content));
            }
            Ok((None, _)) => tracing::info!(outbox_id = mail.id, "reminder not sent: its invitation changed"),
            // Its row stays claimed and is tried again when the lease runs out.
            Err(err) => tracing::error!(outbox_id = mail.id, error = %err, "could not give a reminder its link"),
        }
    }
    // A message cancelled by a reminder that took over its link is not sent.
    let mut waiting = waiting.into_iter().filter(|(m, _)| !cancelled.contains(&m.id));
    let mut sending = JoinSet::new();
    let mut sent = Vec::new();
    let mut recorded_at = Instant::now();
    loop {
        while sending.len() < IN_FLIGHT
            && let Some((mail, content)) = waiting.next()
        {
            let mailer = mailer.clone();
            // Each message's lines, the transport's included, carry its outbox id.
            let span = tracing::info_span!("mail", outbox_id = mail.id, attempt = mail.attempts);
            sending.spawn(
                async move {
                    let result = send_one(&mailer, &mail, &content).await;
                    (mail, result)
                }
                .instrument(span),
            );
        }
        let Some(finished) = sending.join_next().await else { break };
        let (mail, sending_result) = match finished {
            Ok(done) => done,
            // Its row stays claimed and is tried again when the lease runs out.
            Err(err) => {
                tracing::error!(error = %err, "a mail send task failed");
                continue;
            }
        };
        // A status that cannot be written is logged and the batch goes on, so one bad row
        // never leaves the messages already sent to be sent again when the lease runs out.
        match sending_result {
            Ok(()) => {
                sent.push(mail.id);
                tracing::info!(outbox_id = mail.id, attempts = mail.attempts, "mail sent");
                if recorded_at.elapsed() >= FLUSH_EVERY {
                    match outbox::mark_sent(db, sent.clone(), lease, clock.now()).await {
                        Ok(_) => sent.clear(),
                        Err(e) => tracing::error!(error = %e, "could not record sent mail yet; trying again at the end of the batch"),
                    }
                    recorded_at = Instant::now();
                }
            }
            Err(err) if err.permanent || mail.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(outbox_id = mail.id, error = %err.message, "mail failed; not retrying");
                if let Err(e) = outbox::mark_failed(db, mail.id, lease, &err.message).await {
                    tracing::error!(outbox_id = mail.id, error = %e, "could not record the failure; the message is tried again after its lease");
                }
            }
            Err(err) => {
                let next = clock.now() + outbox::with_jitter(backoff(mail.attempts));
                tracing::warn!(outbox_id = mail.id, error = %err.message, retry_at = %next, "mail not sent; will retry");
                if let Err(e) = outbox::mark_retry(db, mail.id, lease, &err.message, next).await {
                    tracing::error!(outbox_id = mail.id, error = %e, "could not record the retry; the message is tried again after its lease");
                }
            }
        }
    }
    outbox::mark_sent(db, sent, lease, clock.now()).await?;
    Ok(attempted)
}

/// Renders `content` and sends it as claimed message `mail`.
async fn send_one(mailer: &Mailer, mail: &outbox_row::Model, content: &str) -> Result<(), SendError> {
    // Content that cannot be rendered will not render on a retry either.
    match MailContent::render_json(content) {
        Ok(email) => mailer.send(mail.id, &mail.to_address, &email).await,
        Err(message) => Err(SendError { permanent: true, message }),
    }
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
