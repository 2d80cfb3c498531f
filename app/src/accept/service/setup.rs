//! The shop-floor worker's side: an employee number and a setup code instead of an emailed
//! link, a PIN or a password, then the same completion as an email invitee.
//!
//! Wrong codes are limited twice: [`MAX_WRONG_CODES`] per invitation, after which the code is
//! dead and the admin must issue a new one, and [`MAX_WRONG_CODES_PER_CLIENT`] per client per
//! hour, across all accounts. Both are exact under concurrency: a guess takes its places in
//! both counts before the code is compared, and a right code gives them back.

use super::complete::complete_sign_up;
use super::link::open_invitation;
use super::profile::Profile;
use crate::accept::dto::SetupForm;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::password::{NewPassword, hash_password};
use crate::domain::setup_code::normalise_typed;
use crate::error::AppError;
use crate::ssr::{Settings, begin_write};
use crate::ssr::entities::user;
use crate::ssr::models::invitation::{give_back_wrong_code_place, open_for_number, take_wrong_code_place};
use crate::ssr::raw::statement;
use crate::ssr::tokens::{SecretToken, hash_token};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, FromQueryResult};

pub const MAX_WRONG_CODES: i32 = 5;
pub const MAX_WRONG_CODES_PER_CLIENT: i64 = 20;

#[derive(FromQueryResult)]
struct Reserved {
    id: i32,
}

/// Reserves one of `client`'s wrong-code places for this attempt before the code is looked
/// at, in one conditional insert serialised per client (an advisory lock on PostgreSQL, the
/// write lock on SQLite), so simultaneous guesses cannot all pass the count. `None` when the
/// client has used its [`MAX_WRONG_CODES_PER_CLIENT`] this hour.
pub(crate) async fn reserve_attempt(db: &DatabaseConnection, client: &str, now: DateTime<Utc>) -> Result<Option<i32>, AppError> {
    let txn = begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock(3, hashtext($1))";
        txn.execute_raw(statement(&txn, lock, vec![client.into()])).await?;
    }
    let insert = "INSERT INTO setup_attempts (client, attempted_at) SELECT $1, $2 \
        WHERE (SELECT COUNT(*) FROM setup_attempts WHERE client = $1 AND attempted_at > $3) < $4 RETURNING id";
    let values = vec![client.into(), now.into(), (now - Duration::hours(1)).into(), MAX_WRONG_CODES_PER_CLIENT.into()];
    let reserved = Reserved::find_by_statement(statement(&txn, insert, values)).one(&txn).await?;
    txn.commit().await?;
    Ok(reserved.map(|r| r.id))
}

/// Gives back a reserved place: the attempt turned out not to be a wrong code.
pub(crate) async fn release_attempt(db: &impl ConnectionTrait, id: i32) -> Result<(), AppError> {
    db.execute_raw(statement(db, "DELETE FROM setup_attempts WHERE id = $1", vec![id.into()])).await?;
    Ok(())
}

/// The answer once a client has used its wrong-code places for the hour.
pub(crate) fn too_many_codes() -> AppError {
    AppError::Invalid("Too many wrong setup codes from this device. Try again in an hour, or ask your administrator.".into())
}

/// A new PIN (digits only) or password for a shop-floor worker with `number`, both entries
/// matching.
pub(crate) fn parse_secret(secret: String, confirmation: &str, number: &EmployeeNumber) -> Result<NewPassword, AppError> {
    let parsed = if !secret.is_empty() && secret.chars().all(|c| c.is_ascii_digit()) {
        NewPassword::parse_pin(secret, number.as_str())
    } else {
        NewPassword::parse(secret, number.as_str())
    }
    .map_err(|msg| AppError::field("secret", msg))?;
    if parsed.expose() != confirmation {
        return Err(AppError::field("secret_confirmation", "The two entries do not match."));
    }
    Ok(parsed)
}

/// Completes a shop-floor worker's sign-up from their handout. `client` names who is trying
/// (the connection's address) for the per-client limit.
pub async fn complete_setup(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    client: &str,
    form: SetupForm,
) -> Result<(user::Model, SecretToken), AppError> {
    let Some(attempt) = reserve_attempt(db, client, now).await? else {
        return Err(too_many_codes());
    };
    let number = match EmployeeNumber::parse(&form.employee_number) {
        Ok(number) => number,
        Err(msg) => {
            release_attempt(db, attempt).await?;
            return Err(AppError::field("employee_number", msg));
        }
    };
    let pending = open_for_number(db, number.canonical(), now).await?;
    let code = normalise_typed(&form.setup_code);
    // The guess takes one of the code's wrong-code places before it is compared.
    let compared = match &pending {
        Some(inv) => take_wrong_code_place(db, inv.id, MAX_WRONG_CODES).await?,
        None => false,
    };
    let (Some(inv), Some(code), true) = (&pending, code, compared) else {
        // Both places stay taken: the client's and the code's, which dies at MAX_WRONG_CODES.
        return Err(AppError::SetupCodeInvalid);
    };
    if hash_token(&code) != inv.token_hash {
        return Err(AppError::SetupCodeInvalid);
    }
    give_back_wrong_code_place(db, inv.id).await?;
    release_attempt(db, attempt).await?;
    let (inv, details) = open_invitation(db, settings, &code, now).await.map_err(|_| AppError::SetupCodeInvalid)?;

    let secret = parse_secret(form.secret, &form.secret_confirmation, &number)?;
    let profile = Profile::parse(&form.first_name, &form.last_name, &form.job_title, &form.phone, &form.language)?;
    let hash = hash_password(&secret).await?;
    complete_sign_up(db, settings, now, &inv, &details, &profile, hash)
        .await
        .map_err(|e| if e == AppError::InvitationLinkInvalid { AppError::SetupCodeInvalid } else { e })
}
