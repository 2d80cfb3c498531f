//! At most N invitation attempts per admin per rolling hour, counted in the database.
//!
//! An attempt is any send, resend, or duplicate refusal. Each admin's attempts are numbered
//! 1, 2, 3 … (`seq`) with times that never go backwards, so the window holds fewer than N
//! attempts exactly when the attempt N places back from the next one is older than an hour.
//! That is two index lookups per admin, however many attempts the window holds, for one
//! attempt or a batch of them. The transaction holds SQLite's write lock from its start
//! (`begin_write`); on PostgreSQL the admins' user rows are locked first (`FOR UPDATE`),
//! serialising each admin's attempts. A unique index on (admin, seq) backs both. So the limit
//! holds exactly under concurrency and across server instances.

use crate::error::AppError;
use crate::ssr::entities::invite_attempt;
use crate::ssr::raw::statement;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType, Query};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult};
use std::collections::BTreeMap;

pub fn window() -> Duration {
    Duration::hours(1)
}

/// On PostgreSQL, serialises these admins' attempts for the rest of the transaction, locking
/// in id order so two batches never wait for each other in a circle.
async fn lock_admins(txn: &impl ConnectionTrait, admins: &[i32]) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = Query::select()
            .column("id")
            .from("users")
            .and_where(Expr::col("id").is_in(admins.iter().copied()))
            .order_by("id", sea_orm::Order::Asc)
            .lock(LockType::Update)
            .to_owned();
        txn.query_all(&lock).await?;
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct Recorded {
    seq: i64,
    attempted_at: DateTime<Utc>,
}

/// The part of one admin's attempt history a batch of `count` new attempts needs: the latest,
/// and those `limit` places back from each new one.
struct History {
    times: BTreeMap<i64, DateTime<Utc>>,
}

impl History {
    async fn load(txn: &impl ConnectionTrait, admin_id: i32, limit: u32, count: usize) -> Result<Self, DbErr> {
        let last = "(SELECT MAX(seq) FROM invite_attempts WHERE admin_id = $1)";
        let sql = format!(
            "SELECT seq, attempted_at FROM invite_attempts WHERE admin_id = $1 AND seq = {last} \
             UNION ALL \
             SELECT seq, attempted_at FROM invite_attempts WHERE admin_id = $1 \
                AND seq BETWEEN {last} + 1 - $2 AND {last} + $3 - $2"
        );
        let values = vec![admin_id.into(), i64::from(limit).into(), (count as i64).into()];
        let rows = Recorded::find_by_statement(statement(txn, &sql, values)).all(txn).await?;
        Ok(History { times: rows.into_iter().map(|r| (r.seq, r.attempted_at)).collect() })
    }

    fn last(&self) -> (i64, Option<DateTime<Utc>>) {
        self.times.last_key_value().map_or((0, None), |(seq, at)| (*seq, Some(*at)))
    }
}

/// Records, in order, each of `attempts` (admin and time) that fits its admin's hour, inside
/// `txn`, which must have been begun with `begin_write`. Each answer is `Ok`, or the refusal
/// with the time that admin may try again.
pub async fn reserve_attempts(
    txn: &impl ConnectionTrait,
    limit: u32,
    attempts: &[(i32, DateTime<Utc>)],
) -> Result<Vec<Result<(), AppError>>, DbErr> {
    let mut admins: Vec<i32> = attempts.iter().map(|(admin, _)| *admin).collect();
    admins.sort_unstable();
    admins.dedup();
    lock_admins(txn, &admins).await?;
    let mut answers = vec![Ok(()); attempts.len()];
    let mut rows = Vec::new();
    for admin in admins {
        let mine: Vec<usize> = (0..attempts.len()).filter(|&i| attempts[i].0 == admin).collect();
        let mut history = History::load(txn, admin, limit, mine.len()).await?;
        for i in mine {
            let now = attempts[i].1;
            let (last, last_at) = history.last();
            let back = history.times.get(&(last + 1 - i64::from(limit))).copied();
            match back {
                Some(at) if at > now - window() => {
                    answers[i] = Err(AppError::RateLimited { limit, retry_at: (at + window()).into() });
                }
                _ => {
                    // Never before the admin's latest, so numbering and time agree even when a
                    // request that read the clock earlier reaches the database later.
                    let at = last_at.map_or(now, |latest| Ord::max(latest, now));
                    history.times.insert(last + 1, at);
                    rows.push(invite_attempt::ActiveModel {
                        admin_id: sea_orm::Set(admin),
                        attempted_at: sea_orm::Set(at),
                        seq: sea_orm::Set(last + 1),
                        ..Default::default()
                    });
                }
            }
        }
    }
    if !rows.is_empty() {
        invite_attempt::Entity::insert_many(rows).exec_without_returning(txn).await?;
    }
    Ok(answers)
}

/// Records one attempt inside `txn` (begun with `begin_write`), or refuses with the time the
/// admin may try again.
pub async fn reserve_attempt(txn: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>, limit: u32) -> Result<(), AppError> {
    let mut answers = reserve_attempts(txn, limit, &[(admin_id, now)]).await?;
    answers.pop().unwrap_or_else(|| Err(AppError::internal("reserving one attempt answered nothing")))
}

/// How many more invitations the admin may send right now: the limit less the attempts in the
/// window, which are numbered without gaps, so their count is the latest number less the
/// first one inside the window, plus one. Two index lookups, however high an operator has set
/// the limit (a bulk onboarding with a raised limit left 100,000 attempts in the window for
/// every page view to count).
pub async fn remaining_this_hour(db: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>, limit: u32) -> Result<u32, DbErr> {
    let sql = "SELECT \
        (SELECT seq FROM invite_attempts WHERE admin_id = $1 AND attempted_at > $2 ORDER BY attempted_at, seq LIMIT 1) AS first, \
        (SELECT MAX(seq) FROM invite_attempts WHERE admin_id = $1) AS last";
    let values = vec![admin_id.into(), (now - window()).into()];
    let row = Span::find_by_statement(statement(db, sql, values)).one(db).await?;
    let used = match row {
        Some(Span { first: Some(first), last: Some(last) }) => u64::try_from(last - first + 1).unwrap_or(0),
        _ => 0,
    };
    Ok(u64::from(limit).saturating_sub(used) as u32)
}

#[derive(FromQueryResult)]
struct Span {
    first: Option<i64>,
    last: Option<i64>,
}

#[derive(FromQueryResult)]
struct Attempted {
    attempted_at: DateTime<Utc>,
}

/// When the admin may next send: `now` if the window has room, or else the moment the attempt
/// `limit` places back from the next one leaves the window. One index lookup.
pub async fn next_free_at(db: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>, limit: u32) -> Result<DateTime<Utc>, DbErr> {
    let sql = "SELECT attempted_at FROM invite_attempts WHERE admin_id = $1 \
        AND seq = (SELECT MAX(seq) FROM invite_attempts WHERE admin_id = $1) + 1 - $2";
    let values = vec![admin_id.into(), i64::from(limit).into()];
    let back = Attempted::find_by_statement(statement(db, sql, values)).one(db).await?;
    Ok(match back {
        Some(Attempted { attempted_at }) if attempted_at + window() > now => attempted_at + window(),
        _ => now,
    })
}
