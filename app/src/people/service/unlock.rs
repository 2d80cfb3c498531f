//! Unlock: an admin lifts every sign-in lock on a person's account at once. The limits
//! themselves are the sign-in's (`auth::throttle`); this is the action on a person.

use super::find_for;
use crate::audit::dto::AuditEventType;
use crate::audit::service::{person_event, record};
use crate::auth::throttle::clear_failures;
use crate::error::AppError;
use crate::policy::Action;
use crate::ssr::{Actor, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// Lifts every sign-in lock on person `id`'s account, if `actor` may unlock them (anyone else's
/// looks like no one), and records "Sign-in unlocked" in the same transaction.
#[tracing::instrument(name = "unlock", skip_all, fields(person_id = id))]
pub async fn unlock(db: &DatabaseConnection, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::Unlock, id).await?;
    clear_failures(&txn, &person).await?;
    record(&txn, person_event(AuditEventType::SignInUnlocked, Some(actor.user_id), &person), now).await?;
    txn.commit().await?;
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "sign-in unlocked");
    Ok(())
}
