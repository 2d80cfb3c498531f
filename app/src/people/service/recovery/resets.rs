//! What password resets and PIN resets share: at most one live reset of each kind per person
//! (issuing one kills the one before), the hourly limit on resets an admin sends one person,
//! and the completion that uses a reset once, sets the new secret, ends every session of the
//! account and starts one in this browser.

use crate::audit::dto::AuditEventType;
use crate::audit::service::{person_event, record};
use crate::auth::service::create_session;
use crate::error::AppError;
use crate::ssr::entities::access_reset::{self, Kind};
use crate::ssr::entities::{session, user};
use crate::ssr::limiter::{Quota, take_places};
use crate::ssr::models::user::is_active;
use crate::ssr::tokens::SecretToken;
use crate::ssr::{Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter};

/// Resets (links or PIN-reset handouts) admins may send one person per hour.
pub const MAX_ADMIN_RESETS_PER_PERSON: i64 = 3;

/// Marks `user_id`'s unused resets of `kind` as used: only the newest may work.
async fn kill_resets(db: &impl ConnectionTrait, user_id: i32, kind: Kind, now: DateTime<Utc>) -> Result<(), AppError> {
    access_reset::Entity::update_many()
        .col_expr(access_reset::Column::UsedAt, Expr::value(now))
        .filter(access_reset::Column::UserId.eq(user_id))
        .filter(access_reset::Column::Kind.eq(kind))
        .filter(access_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub(super) async fn insert_reset(
    db: &impl ConnectionTrait,
    user_id: i32,
    kind: Kind,
    secret_hash: String,
    created_by: Option<i32>,
    times: (DateTime<Utc>, DateTime<Utc>),
) -> Result<(), AppError> {
    kill_resets(db, user_id, kind, times.0).await?;
    let row = access_reset::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        secret_hash: Set(secret_hash),
        created_by: Set(created_by),
        created_at: Set(times.0),
        expires_at: Set(times.1),
        failed_attempts: Set(0),
        ..Default::default()
    };
    access_reset::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}

/// Counts a reset an admin sends to `person` (a link or a PIN-reset handout) inside `txn`, or
/// refuses it once [`MAX_ADMIN_RESETS_PER_PERSON`] went this hour: an admin cannot flood a
/// person's mailbox, nor keep their PIN from ever working.
pub(super) async fn count_admin_reset(txn: &impl ConnectionTrait, person: &user::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let key = format!("person:{}", person.id);
    if take_places(txn, &[Quota { key: &key, per_hour: MAX_ADMIN_RESETS_PER_PERSON }], now).await? {
        return Ok(());
    }
    Err(AppError::Limited(format!(
        "{} has been sent {MAX_ADMIN_RESETS_PER_PERSON} resets in the last hour. Try again later.",
        person.name
    )))
}

/// The open reset of `kind` whose secret hashes to `secret_hash`, with its active account.
pub(super) async fn open_reset(db: &impl ConnectionTrait, secret_hash: &str, now: DateTime<Utc>) -> Result<Option<(access_reset::Model, user::Model)>, AppError> {
    let Some(reset) = access_reset::Entity::find()
        .filter(access_reset::Column::SecretHash.eq(secret_hash))
        .filter(access_reset::Column::UsedAt.is_null())
        .filter(access_reset::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let person = user::Entity::find_by_id(reset.user_id).one(db).await?.filter(is_active);
    Ok(person.map(|p| (reset, p)))
}

/// Uses reset `reset` (once: a conditional update), sets `person`'s new password hash, ends
/// every session of theirs, records `completed`, and starts a session for this browser.
pub(super) async fn finish(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    reset: &access_reset::Model,
    person: &user::Model,
    hash: String,
    completed: AuditEventType,
) -> Result<(user::Model, SecretToken), Option<AppError>> {
    let txn = begin_write(db).await.map_err(|e| Some(e.into()))?;
    let used = access_reset::Entity::update_many()
        .col_expr(access_reset::Column::UsedAt, Expr::value(now))
        .filter(access_reset::Column::Id.eq(reset.id))
        .filter(access_reset::Column::UsedAt.is_null())
        .filter(access_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await
        .map_err(|e| Some(e.into()))?;
    if used.rows_affected != 1 {
        return Err(None);
    }
    let updated = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(user::Column::LastSignInAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(person.id))
        .filter(user::Column::Status.eq(user::Status::Active))
        .exec(&txn)
        .await
        .map_err(|e| Some(e.into()))?;
    if updated.rows_affected != 1 {
        return Err(None); // deactivated meanwhile
    }
    session::Entity::delete_many().filter(session::Column::UserId.eq(person.id)).exec(&txn).await.map_err(|e| Some(e.into()))?;
    record(&txn, person_event(completed, Some(person.id), person), now).await.map_err(|e| Some(e.into()))?;
    let token = create_session(&txn, person.id, now, settings).await.map_err(|e| Some(e.into()))?;
    txn.commit().await.map_err(|e| Some(e.into()))?;
    Ok((person.clone(), token))
}

