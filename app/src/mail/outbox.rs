//! The email outbox: rows written in the same transaction as the change that needs the mail,
//! then claimed and sent by the worker.
//!
//! Claiming takes a lease (`locked_until`): on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! several workers never take the same row; on SQLite the claiming `UPDATE` is itself the
//! only writer at that moment. A worker that dies mid-send leaves a lease that expires, and the
//! row is claimed again.

use super::templates::{MailContent, PendingReminder};
use crate::ssr::begin_write;
use crate::ssr::entities::outbox;
use crate::ssr::models::invitation::{open_sql, rotate_secret};
use crate::ssr::raw::statement;
use crate::ssr::tokens::SecretToken;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter};
use std::sync::Arc;
use tokio::sync::Notify;

pub use outbox::Status;

/// Wakes the outbox worker once new mail is committed; cheap to clone. A wake-up that finds
/// the worker busy is kept until it next waits, so none is lost.
#[derive(Clone, Debug, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    /// Tells the worker there is mail to send.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for the next [`wake`](Self::wake).
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

/// Transient failures are retried this many times in all before the row is marked failed.
pub const MAX_ATTEMPTS: i32 = 10;

/// An outbox row for a message to go as soon as a worker is free.
pub fn row(invitation_id: Option<i32>, to: &str, content: &MailContent, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        invitation_id: Set(invitation_id),
        to_address: Set(to.to_owned()),
        content: Set(content.to_json()),
        status: Set(Status::Queued),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        reminder: Set(false),
        ..Default::default()
    }
}

/// An outbox row for the reminder of invitation `invitation_id`, to go at `due`.
pub fn reminder_row(invitation_id: i32, to: &str, content: &MailContent, due: DateTime<Utc>, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel { next_attempt_at: Set(due), reminder: Set(true), ..row(Some(invitation_id), to, content, now) }
}

/// Adds a message to the outbox, to go as soon as a worker is free.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    invitation_id: Option<i32>,
    to: &str,
    content: &MailContent,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    Ok(outbox::Entity::insert(row(invitation_id, to, content, now)).exec(db).await?.last_insert_id)
}

/// Adds several messages to the outbox in one statement.
pub async fn enqueue_many(db: &impl ConnectionTrait, rows: Vec<outbox::ActiveModel>) -> Result<(), DbErr> {
    if !rows.is_empty() {
        outbox::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Claims up to `limit` due messages for `lease`, counting the attempt: first those whose
/// sender's lease ran out, then those waiting, in the order they fell due. Each part reads an
/// index that holds only its own rows (migration 000010), in order, and stops at `limit`, so
/// a claim costs the same with an empty outbox as with a backlog of 100,000 and a history of
/// millions.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let (queued, sending, retrying) = (Status::Queued.as_str(), Status::Sending.as_str(), Status::Retrying.as_str());
    // Written as the partial indexes `idx_outbox_leased` and `idx_outbox_waiting` are.
    let lapsed = format!("status = '{sending}' AND locked_until < $2 ORDER BY locked_until, id");
    let waiting = format!("status IN ('{queued}', '{retrying}') AND next_attempt_at <= $2 ORDER BY next_attempt_at, id");
    let mut rows = claim_where(db, &lapsed, now, lease, limit).await?;
    if (rows.len() as u64) < limit {
        rows.extend(claim_where(db, &waiting, now, lease, limit - rows.len() as u64).await?);
    }
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// Claims up to `limit` rows matching `condition` (SQL ending in its ORDER BY; `$2` is now).
async fn claim_where(
    db: &impl ConnectionTrait,
    condition: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let lock = match db.get_database_backend() {
        DbBackend::Postgres => "FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let sending = Status::Sending.as_str();
    let sql = format!(
        "UPDATE email_outbox SET status = '{sending}', locked_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM email_outbox WHERE {condition} LIMIT $3 {lock}) \
         RETURNING *"
    );
    let values: Vec<sea_orm::Value> = vec![(now + lease).into(), now.into(), (limit as i64).into()];
    outbox::Model::find_by_statement(statement(db, &sql, values)).all(db).await
}

/// The lease a claim gave its rows: every change the worker makes afterwards applies only
/// while the row is still sending under that lease, so a row that was cancelled meanwhile, or
/// whose lease ran out and another worker claimed, is left as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lease(DateTime<Utc>);

impl Lease {
    /// The lease `row` was claimed under, if it is being sent.
    pub fn of(row: &outbox::Model) -> Option<Lease> {
        (row.status == Status::Sending).then_some(row.locked_until).flatten().map(Lease)
    }
}

/// Applies `change` to the rows `ids` that are still sending under `lease`; answers how many.
async fn finish(db: &impl ConnectionTrait, ids: Vec<i32>, lease: Lease, change: sea_orm::UpdateMany<outbox::Entity>) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let no_time: Option<DateTime<Utc>> = None;
    let done = change
        .col_expr(outbox::Column::LockedUntil, Expr::value(no_time))
        .filter(outbox::Column::Id.is_in(ids))
        .filter(outbox::Column::Status.eq(Status::Sending))
        .filter(outbox::Column::LockedUntil.eq(lease.0))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Sent, in one statement for a whole batch: the content is emptied, since it holds a
/// one-time link.
pub async fn mark_sent(db: &impl ConnectionTrait, ids: Vec<i32>, lease: Lease, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let none: Option<String> = None;
    let change = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(Status::Sent))
        .col_expr(outbox::Column::SentAt, Expr::value(Some(now)))
        .col_expr(outbox::Column::Content, Expr::value(""))
        .col_expr(outbox::Column::LastError, Expr::value(none));
    finish(db, ids, lease, change).await
}

#[derive(FromQueryResult)]
struct Stale {
    id: i32,
}

/// Of the claimed reminders `ids` (claimed under `lease`), cancels those whose invitation is no
/// longer open at `now` and answers their ids. Accept, revoke and resend cancel a reminder
/// when they happen; this also catches one that was due only after its invitation ran out (the
/// mail server was down for a day, say), so no reminder ever carries a dead link.
pub async fn cancel_closed_reminders(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
    lease: Lease,
    now: DateTime<Utc>,
) -> Result<std::collections::HashSet<i32>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT o.id FROM email_outbox o JOIN invitations i ON i.id = o.invitation_id \
         WHERE o.id IN ({}) AND NOT ({})",
        marks.join(", "),
        open_sql("i.", "$1")
    );
    let mut values: Vec<sea_orm::Value> = vec![now.into()];
    values.extend(ids.iter().map(|id| (*id).into()));
    let stale: Vec<i32> = Stale::find_by_statement(statement(db, &sql, values)).all(db).await?.into_iter().map(|s| s.id).collect();
    let change = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(Status::Cancelled))
        .col_expr(outbox::Column::Content, Expr::value(""));
    finish(db, stale.clone(), lease, change).await?;
    Ok(stale.into_iter().collect())
}

#[derive(FromQueryResult)]
struct Cancelled {
    id: i32,
}

/// What claimed reminder `row` (claimed under `lease`) is to send at `now`: a reminder waiting
/// without its link ([`MailContent::PendingReminder`]) gets one here. Its invitation is given
/// a new token, if it still holds the one the reminder was queued with; the reminder keeps
/// only the new token's hash; and the invitation's other mail that has not gone yet (its first
/// email, still held back by a relay that was down) is cancelled, since its link has just
/// died. All in one transaction, while the row is still held under `lease`. Answers the content
/// to send, with the ids of the messages cancelled; no content when the reminder is no longer
/// to go (the invitation was resent, accepted or revoked meanwhile: the reminder is cancelled).
pub async fn give_reminder_its_link(
    db: &DatabaseConnection,
    row: &outbox::Model,
    lease: Lease,
    now: DateTime<Utc>,
) -> Result<(Option<String>, Vec<i32>), DbErr> {
    // A reminder queued by an earlier version carries its link already.
    let (Ok(MailContent::PendingReminder(waiting)), Some(invitation_id)) =
        (serde_json::from_str::<MailContent>(&row.content), row.invitation_id)
    else {
        return Ok((Some(row.content.clone()), Vec::new()));
    };
    let token = SecretToken::generate();
    let txn = begin_write(db).await?;
    if !rotate_secret(&txn, invitation_id, &waiting.token_hash, token.hash(), now).await? {
        let change = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(Status::Cancelled))
            .col_expr(outbox::Column::Content, Expr::value(""));
        finish(&txn, vec![row.id], lease, change).await?;
        txn.commit().await?;
        return Ok((None, Vec::new()));
    }
    let kept = MailContent::PendingReminder(PendingReminder { token_hash: token.hash(), ..waiting.clone() });
    let held = outbox::Entity::update_many()
        .col_expr(outbox::Column::Content, Expr::value(kept.to_json()))
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::Status.eq(Status::Sending))
        .filter(outbox::Column::LockedUntil.eq(lease.0))
        .exec(&txn)
        .await?;
    if held.rows_affected != 1 {
        return Ok((None, Vec::new())); // cancelled meanwhile, or no longer ours: nothing changes
    }
    let (queued, retrying, sending, cancelled) =
        (Status::Queued.as_str(), Status::Retrying.as_str(), Status::Sending.as_str(), Status::Cancelled.as_str());
    let sql = format!(
        "UPDATE email_outbox SET status = '{cancelled}', content = '', locked_until = NULL \
         WHERE invitation_id = $1 AND id <> $2 AND status IN ('{queued}', '{retrying}', '{sending}') RETURNING id"
    );
    let others = Cancelled::find_by_statement(statement(&txn, &sql, vec![invitation_id.into(), row.id.into()])).all(&txn).await?;
    txn.commit().await?;
    let mut email = waiting.email;
    email.link.push_str(token.expose());
    Ok((Some(MailContent::InvitationReminder(email).to_json()), others.into_iter().map(|c| c.id).collect()))
}

/// A transient failure: try again at `next_attempt_at`.
pub async fn mark_retry(db: &impl ConnectionTrait, id: i32, lease: Lease, error: &str, next_attempt_at: DateTime<Utc>) -> Result<u64, DbErr> {
    let change = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(Status::Retrying))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next_attempt_at))
        .col_expr(outbox::Column::LastError, Expr::value(Some(error.to_owned())));
    finish(db, vec![id], lease, change).await
}

/// A permanent failure, or too many transient ones: not retried. The content (a working
/// link) is emptied: nothing will send it now.
pub async fn mark_failed(db: &impl ConnectionTrait, id: i32, lease: Lease, error: &str) -> Result<u64, DbErr> {
    let change = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(Status::Failed))
        .col_expr(outbox::Column::Content, Expr::value(""))
        .col_expr(outbox::Column::LastError, Expr::value(Some(error.to_owned())));
    finish(db, vec![id], lease, change).await
}

/// Cancels the mail of invitation `invitation_id` that has not gone yet (queued, waiting for
/// a retry, or being sent right now), emptying its content: a revoked link, or one a Resend
/// replaced, must not be mailed. A message a worker is sending at this very moment may still
/// reach the server; the worker's later update then finds it cancelled and leaves it so.
/// Answers how many were cancelled.
pub async fn cancel_unsent(db: &impl ConnectionTrait, invitation_id: i32) -> Result<u64, DbErr> {
    let no_time: Option<DateTime<Utc>> = None;
    let done = outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(Status::Cancelled))
        .col_expr(outbox::Column::Content, Expr::value(""))
        .col_expr(outbox::Column::LockedUntil, Expr::value(no_time))
        .filter(outbox::Column::InvitationId.eq(invitation_id))
        .filter(outbox::Column::Status.is_in([Status::Queued, Status::Retrying, Status::Sending]))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Delay before retry number `attempts` (1-based): 5 s doubling each time, capped at 15 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 16) as u32 - 1;
    Duration::seconds((5i64 << exponent).min(15 * 60))
}

/// `delay` plus a random 0 to 20 %, so messages that failed together (a relay that was down)
/// do not all come back at the same moment.
pub fn with_jitter(delay: Duration) -> Duration {
    let mut byte = [0u8; 2];
    let spread = match getrandom::fill(&mut byte) {
        Ok(()) => u16::from_le_bytes(byte) as i64,
        Err(_) => 0,
    };
    delay + Duration::milliseconds(delay.num_milliseconds() * spread / (5 * 65_535))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_five_seconds_and_stops_at_fifteen_minutes() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(10));
        assert_eq!(backoff(5), Duration::seconds(80));
        assert_eq!(backoff(9), Duration::minutes(15));
        assert_eq!(backoff(100), Duration::minutes(15));
    }

    #[test]
    fn jitter_adds_at_most_a_fifth_and_spreads_retries() {
        let delays: std::collections::HashSet<_> = (0..50).map(|_| with_jitter(Duration::seconds(80))).collect();
        assert!(delays.iter().all(|d| *d >= Duration::seconds(80) && *d <= Duration::seconds(96)), "{delays:?}");
        assert!(delays.len() > 1, "the same delay every time is no jitter");
    }
}
