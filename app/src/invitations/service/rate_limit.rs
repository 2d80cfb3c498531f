//! At most N invitation attempts per admin per rolling hour, counted in the database.
//!
//! An attempt is any send, resend, or duplicate refusal. The admin's own user row is written
//! first in the transaction (a no-op update), which serialises that admin's attempts: on
//! PostgreSQL it is a row lock; on SQLite it takes the database write lock. So the limit holds
//! exactly under concurrency and across server instances.

use crate::error::AppError;
use crate::ssr::entities::invite_attempt;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

pub fn window() -> Duration {
    Duration::hours(1)
}

/// Serialises this admin's attempts for the rest of the transaction.
async fn lock_admin(txn: &impl ConnectionTrait, admin_id: i32) -> Result<(), DbErr> {
    let touch = Query::update()
        .table("users")
        .value("updated_at", Expr::col("updated_at"))
        .and_where(Expr::col("id").eq(admin_id))
        .to_owned();
    txn.execute(&touch).await?;
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
    if attempts_in_window(txn, admin_id, now).await? >= u64::from(limit) {
        let oldest = invite_attempt::Entity::find()
            .filter(invite_attempt::Column::AdminId.eq(admin_id))
            .filter(invite_attempt::Column::AttemptedAt.gt(now - window()))
            .order_by_asc(invite_attempt::Column::AttemptedAt)
            .one(txn)
            .await?;
        let retry_at = oldest.map(|a| a.attempted_at + window()).unwrap_or(now + window());
        return Err(AppError::RateLimited { limit, retry_at });
    }
    invite_attempt::Entity::insert(invite_attempt::ActiveModel {
        admin_id: Set(admin_id),
        attempted_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// How many more invitations the admin may send right now.
pub async fn remaining_this_hour(db: &impl ConnectionTrait, admin_id: i32, now: DateTime<Utc>, limit: u32) -> Result<u32, DbErr> {
    let used = attempts_in_window(db, admin_id, now).await?;
    Ok(u64::from(limit).saturating_sub(used) as u32)
}
