//! The shop-floor worker's side: an employee number and a setup code instead of an emailed
//! link, a PIN or a password, then the same completion as an email invitee.
//!
//! Wrong codes are limited twice: [`MAX_WRONG_CODES`] per invitation, after which the code is
//! dead and the admin must issue a new one, and [`MAX_WRONG_CODES_PER_CLIENT`] per client per
//! hour, across all accounts.

use super::complete::complete_sign_up;
use super::link::open_invitation;
use super::profile::Profile;
use crate::accept::dto::SetupForm;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::password::{NewPassword, hash_password};
use crate::domain::setup_code::normalise_typed;
use crate::error::AppError;
use crate::ssr::Settings;
use crate::ssr::entities::user;
use crate::ssr::models::invitation::{count_wrong_code, open_for_number};
use crate::ssr::raw::statement;
use crate::ssr::tokens::{SecretToken, hash_token};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult};

pub const MAX_WRONG_CODES: i32 = 5;
pub const MAX_WRONG_CODES_PER_CLIENT: i64 = 20;

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

async fn wrong_codes_from(db: &impl ConnectionTrait, client: &str, now: DateTime<Utc>) -> Result<i64, AppError> {
    let sql = "SELECT COUNT(*) AS n FROM setup_attempts WHERE client = $1 AND attempted_at > $2";
    let values = vec![client.into(), (now - Duration::hours(1)).into()];
    Ok(Count::find_by_statement(statement(db, sql, values)).one(db).await?.map_or(0, |c| c.n))
}

/// Counts a wrong code against the client and, if the number has a live invitation, against
/// it too; the invitation's code dies at [`MAX_WRONG_CODES`].
async fn record_wrong_code(
    db: &impl ConnectionTrait,
    client: &str,
    invitation_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let insert = "INSERT INTO setup_attempts (client, attempted_at) VALUES ($1, $2)";
    db.execute_raw(statement(db, insert, vec![client.into(), now.into()])).await?;
    if let Some(id) = invitation_id {
        count_wrong_code(db, id, MAX_WRONG_CODES).await?;
    }
    Ok(())
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
    if wrong_codes_from(db, client, now).await? >= MAX_WRONG_CODES_PER_CLIENT {
        return Err(AppError::Invalid(
            "Too many wrong setup codes from this device. Try again in an hour, or ask your administrator.".into(),
        ));
    }
    let number = EmployeeNumber::parse(&form.employee_number).map_err(|msg| AppError::field("employee_number", msg))?;
    let pending = open_for_number(db, number.canonical(), now).await?;
    let code = normalise_typed(&form.setup_code);
    let matches = match (&pending, &code) {
        (Some(inv), Some(code)) => inv.failed_attempts < MAX_WRONG_CODES && hash_token(code) == inv.token_hash,
        _ => false,
    };
    let (Some(code), true) = (code, matches) else {
        record_wrong_code(db, client, pending.map(|i| i.id), now).await?;
        return Err(AppError::SetupCodeInvalid);
    };
    let (inv, details) = open_invitation(db, settings, &code, now).await.map_err(|_| AppError::SetupCodeInvalid)?;

    let secret = if !form.secret.is_empty() && form.secret.chars().all(|c| c.is_ascii_digit()) {
        NewPassword::parse_pin(form.secret, number.as_str())
    } else {
        NewPassword::parse(form.secret, number.as_str())
    }
    .map_err(|msg| AppError::field("secret", msg))?;
    if secret.expose() != form.secret_confirmation {
        return Err(AppError::field("secret_confirmation", "The two entries do not match."));
    }
    let profile = Profile::parse(&form.first_name, &form.last_name, &form.job_title, &form.phone, &form.language)?;
    let hash = hash_password(&secret).await;
    complete_sign_up(db, settings, now, &inv, &details, &profile, hash)
        .await
        .map_err(|e| if e == AppError::InvitationLinkInvalid { AppError::SetupCodeInvalid } else { e })
}
