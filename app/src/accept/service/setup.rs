//! The shop-floor worker's side: an employee number and a setup code instead of an emailed
//! link, a PIN or a password, then the same completion as an email invitee. The code is
//! checked, and wrong codes limited, by `ssr::models::setup_code`, as for a PIN reset.

use super::complete::complete_sign_up;
use super::link::open_invitation;
use super::profile::Profile;
use crate::accept::dto::SetupForm;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::password::hash_password;
use crate::error::AppError;
use crate::ssr::Settings;
use crate::ssr::entities::user;
use crate::ssr::models::invitation::open_for_number;
use crate::ssr::models::setup_code::{self, StoredCode, parse_secret};
use crate::ssr::tokens::SecretToken;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

pub use setup_code::{MAX_WRONG_CODES, MAX_WRONG_CODES_PER_CLIENT};

/// Completes a shop-floor worker's sign-up from their handout. `client` names who is trying
/// (the connection's address) for the per-client limit.
pub async fn complete_setup(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    client: &str,
    form: SetupForm,
) -> Result<(user::Model, SecretToken), AppError> {
    let find = async |number: &EmployeeNumber| -> Result<Option<(StoredCode, ())>, AppError> {
        let pending = open_for_number(db, number.canonical(), now).await?;
        Ok(pending.map(|inv| (StoredCode::Invitation { id: inv.id, hash: inv.token_hash }, ())))
    };
    let matched = setup_code::check(db, client, now, &form.employee_number, &form.setup_code, find).await?;
    let (inv, details) = open_invitation(db, settings, &matched.code, now).await.map_err(|_| AppError::SetupCodeInvalid)?;

    let secret = parse_secret(form.secret, &form.secret_confirmation, &matched.number)?;
    let profile = Profile::parse(&form.first_name, &form.last_name, &form.job_title, &form.phone, &form.language)?;
    let hash = hash_password(&secret).await?;
    complete_sign_up(db, settings, now, &inv, &details, &profile, hash)
        .await
        .map_err(|e| if e == AppError::InvitationLinkInvalid { AppError::SetupCodeInvalid } else { e })
}
