//! "Forgot password?" on the sign-in page: a reset link to an active account's address, limited
//! per address and per client, answered alike whatever happened.

use super::password::queue_reset_mail;
use crate::domain::email::WorkEmail;
use crate::error::AppError;
use crate::mail::outbox::OutboxSignal;
use crate::ssr::entities::user;
use crate::ssr::limiter::{Quota, has_room, take_places};
use crate::ssr::models::user::is_active;
use crate::ssr::tokens::hash_token;
use crate::ssr::{Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// "Forgot password?" requests per address per hour; more are answered alike and do nothing.
pub const MAX_REQUESTS_PER_ADDRESS: i64 = 3;
/// "Forgot password?" requests per client per hour, whatever the address.
pub const MAX_REQUESTS_PER_CLIENT: i64 = 20;
/// Every "Forgot password?" answer takes at least this long, so the time does not tell whether
/// mail was queued.
const FORGOT_ANSWER_TIME: std::time::Duration = std::time::Duration::from_millis(300);

/// Counts one "Forgot password?" request for `address_key` from `client` if both are under
/// their hourly limits; answers whether they were.
async fn count_request(db: &DatabaseConnection, address_key: &str, client: &str, now: DateTime<Utc>) -> Result<bool, AppError> {
    let client_key = format!("client:{client}");
    let quotas = [
        Quota { key: address_key, per_hour: MAX_REQUESTS_PER_ADDRESS },
        Quota { key: &client_key, per_hour: MAX_REQUESTS_PER_CLIENT },
    ];
    if !has_room(db, &quotas, now).await? {
        return Ok(false);
    }
    let txn = begin_write(db).await?;
    let counted = take_places(&txn, &quotas, now).await?;
    txn.commit().await?;
    Ok(counted)
}

/// "Forgot password?": if `typed` is the address of an active account and neither limit is
/// reached, queues a reset link to it. The caller always gets the same `Ok(())` after at least
/// [`FORGOT_ANSWER_TIME`], whether the account exists, is deactivated, is a shop-floor worker
/// or a limit was hit; only the server log tells.
pub async fn forgot_password(
    db: &DatabaseConnection,
    settings: &Settings,
    outbox: &OutboxSignal,
    now: DateTime<Utc>,
    client: &str,
    typed: &str,
) -> Result<(), AppError> {
    let answer_at = tokio::time::Instant::now() + FORGOT_ANSWER_TIME;
    let outcome = forgot(db, settings, outbox, now, client, typed).await;
    tokio::time::sleep_until(answer_at).await;
    match outcome {
        Err(AppError::Field { .. }) => outcome,
        Err(err) => {
            tracing::warn!(error = %err, "a password reset request failed; answered as usual");
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}

async fn forgot(db: &DatabaseConnection, settings: &Settings, outbox: &OutboxSignal, now: DateTime<Utc>, client: &str, typed: &str) -> Result<(), AppError> {
    let email = WorkEmail::parse(typed).map_err(|msg| AppError::field("email", msg))?;
    let address_key = format!("address:{}", hash_token(email.canonical()));
    if !count_request(db, &address_key, client, now).await? {
        tracing::info!(client = %client, "password reset request over its limit: nothing sent");
        return Ok(());
    }
    let txn = begin_write(db).await?;
    let person = user::Entity::find().filter(user::Column::EmailCanonical.eq(email.canonical())).one(&txn).await?;
    match person.filter(is_active) {
        Some(person) => {
            queue_reset_mail(&txn, settings, &person, None, now).await?;
            txn.commit().await?;
            outbox.wake();
            tracing::info!(user_id = person.id, "password reset asked for and sent");
        }
        None => tracing::info!("password reset asked for an address with no active account: nothing sent"),
    }
    Ok(())
}

