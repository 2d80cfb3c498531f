//! At most N invitation attempts per admin per rolling hour, counted in the database.
//!
//! An attempt is any send, resend, or duplicate refusal. Each admin's attempts are numbered
//! 1, 2, 3 … (`seq`) with times that never go backwards, so the window holds fewer than N
//! attempts exactly when the attempt N places back from the next one is older than an hour.
//! One conditional insert checks that with two index lookups, however many attempts the
//! window holds, and adds the row only if it passes. On SQLite that statement runs under the
//! database's single write lock; on PostgreSQL the admin's user row is locked first
//! (`FOR UPDATE`), serialising that admin's attempts, and a unique index on (admin, seq)
//! backs both. So the limit holds exactly under concurrency and across server instances.

use crate::error::AppError;
use crate::ssr::entities::invite_attempt;
use chrono::{DateTime, Duration, Utc};
use crate::ssr::raw::statement;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

pub fn window() -> Duration {
    Duration::hours(1)
}

/// On PostgreSQL, serialises this admin's attempts for the rest of the transaction.
async fn lock_admin(txn: &impl ConnectionTrait, admin_id: i32) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(statement(txn, "SELECT id FROM users WHERE id = $1 FOR UPDATE", vec![admin_id.into()]))
            .await?;
    }
    Ok(())
}

async fn attempts_in_window(db: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>) -> Result<u64, DbErr> {
    invite_attempt::Entity::find()
        .filter(invite_attempt::Column::AdminId.eq(admin_id))
        .filter(invite_attempt::Column::AttemptedAt.gt(now - window()))
        .count(db)
        .await
}

/// Records one attempt inside `txn`, or refuses with the time the admin may try again.
pub async fn reserve_attempt(txn: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>, limit: u32) -> Result<(), AppError> {
    lock_admin(txn, admin_id).await?;
    // The recorded time is at least the admin's previous one, so numbering and time agree
    // even when a request that read the clock earlier reaches the database later.
    let latest = match txn.get_database_backend() {
        DbBackend::Postgres => "GREATEST",
        _ => "MAX",
    };
    let sql = format!(
        "INSERT INTO invite_attempts (admin_id, attempted_at, seq) \
         SELECT $1, {latest}($2, COALESCE((SELECT MAX(attempted_at) FROM invite_attempts WHERE admin_id = $1), $2)), last.seq + 1 \
         FROM (SELECT COALESCE((SELECT MAX(seq) FROM invite_attempts WHERE admin_id = $1), 0) AS seq) AS last \
         WHERE NOT EXISTS (SELECT 1 FROM invite_attempts AS back \
            WHERE back.admin_id = $1 AND back.seq = last.seq + 1 - $4 AND back.attempted_at > $3)"
    );
    let insert = statement(
        txn,
        &sql,
        vec![admin_id.into(), now.into(), (now - window()).into(), i64::from(limit).into()],
    );
    if txn.execute_raw(insert).await?.rows_affected() == 0 {
        let oldest = invite_attempt::Entity::find()
            .filter(invite_attempt::Column::AdminId.eq(admin_id))
            .filter(invite_attempt::Column::AttemptedAt.gt(now - window()))
            .order_by_asc(invite_attempt::Column::AttemptedAt)
            .one(txn)
            .await?;
        let retry_at = oldest.map(|a| a.attempted_at + window()).unwrap_or(now + window());
        return Err(AppError::RateLimited { limit, retry_at });
    }
    Ok(())
}

/// How many more invitations the admin may send right now.
pub async fn remaining_this_hour(db: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>, limit: u32) -> Result<u32, DbErr> {
    let used = attempts_in_window(db, admin_id, now).await?;
    Ok(u64::from(limit).saturating_sub(used) as u32)
}
