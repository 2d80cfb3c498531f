//! Completing sign-up: one conditional update consumes the invitation, and the account, the
//! audit event and the invitation's link to the account commit with it or not at all.

use super::link::open_invitation;
use super::profile::Profile;
use crate::accept::dto::{AcceptForm, InvitationDetails};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject, record};
use crate::auth::service::create_session;
use crate::domain::password::{NewPassword, hash_password};
use crate::error::AppError;
use crate::ssr::Settings;
use crate::ssr::entities::user;
use crate::ssr::models::invitation::{OpenInvitation, claim, link_account};
use crate::ssr::models::search_terms;
use crate::ssr::models::user::new_active;
use crate::ssr::tokens::SecretToken;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, SqlErr, TransactionTrait};

/// Accepts the invitation `raw_token` opens: checks the form, hashes the password (off the
/// async runtime, outside any transaction), then in one transaction consumes the invitation,
/// creates the active account with the invitation's email, role, department and location, and
/// records a `user.created` audit event, and starts the new user's first session. Answers the
/// new account and its session token.
pub async fn accept(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    raw_token: &str,
    form: AcceptForm,
) -> Result<(user::Model, SecretToken), AppError> {
    let (inv, details) = open_invitation(db, settings, raw_token, now).await?;
    let identity = inv.email.clone().or_else(|| inv.employee_number.clone()).unwrap_or_default();
    let password = NewPassword::parse(form.password, &identity).map_err(|msg| AppError::field("password", msg))?;
    if password.expose() != form.password_confirmation {
        return Err(AppError::field("password_confirmation", "The two passwords do not match."));
    }
    let profile = Profile::parse(&form.first_name, &form.last_name, &form.job_title, &form.phone, &form.language)?;
    let hash = hash_password(&password).await?;
    complete_sign_up(db, settings, now, &inv, &details, &profile, hash).await
}

/// The one transaction that turns an open invitation into an active account (see [`accept`]);
/// the shop-floor setup page ends the same way. The invitation is claimed by its id and the
/// secret it was opened with, so of two simultaneous submits only one succeeds, and a link
/// renewed by a Resend in the meantime no longer works.
pub(super) async fn complete_sign_up(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    inv: &OpenInvitation,
    details: &InvitationDetails,
    profile: &Profile,
    hash: String,
) -> Result<(user::Model, SecretToken), AppError> {
    let txn = db.begin().await?;
    if !claim(&txn, inv.id, &inv.token_hash, now).await? {
        return Err(AppError::InvitationLinkInvalid);
    }
    // Accepted: a reminder still waiting must not go.
    crate::mail::outbox::cancel_unsent(&txn, inv.id).await?;
    let account = user::ActiveModel {
        email: Set(inv.email.clone()),
        email_canonical: Set(inv.email_canonical.clone()),
        employee_number: Set(inv.employee_number.clone()),
        employee_number_canonical: Set(inv.employee_number_canonical.clone()),
        name: Set(profile.full_name()),
        first_name: Set(Some(profile.first_name.as_str().to_owned())),
        last_name: Set(Some(profile.last_name.as_str().to_owned())),
        job_title: Set(profile.job_title.clone()),
        phone: Set(profile.phone.clone()),
        preferred_language: Set(Some(profile.language.clone())),
        role: Set(inv.role.clone()),
        department_id: Set(inv.department_id),
        location_id: Set(inv.location_id),
        // Completing sign-up signs them in.
        last_sign_in_at: Set(Some(now)),
        ..Default::default()
    };
    let account = new_active(account, hash, now);
    let created = match user::Entity::insert(account).exec_with_returning(&txn).await {
        Ok(created) => created,
        // An account with this address appeared since the invitation was sent (the CLI can make
        // one): the invitation cannot make a second.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::InvitationLinkInvalid);
        }
        Err(err) => return Err(err.into()),
    };
    let event = NewAuditEvent {
        event_type: AuditEventType::UserCreated,
        actor_user_id: Some(created.id),
        subject: Subject::User(created.id),
        department_id: inv.department_id,
        details: AuditDetails {
            role: Some(details.role.label().to_owned()),
            department: details.department.clone(),
            location: details.location.clone(),
            invited_by: Some(details.inviter.clone()),
            invitation_id: Some(inv.id),
            ..AuditDetails::who(inv.email.clone(), inv.employee_number.clone())
        },
    };
    record(&txn, event, now).await?;
    search_terms::index(&txn, &created).await?;
    link_account(&txn, inv.id, created.id).await?;
    let session = create_session(&txn, created.id, now, settings).await?;
    txn.commit().await?;
    tracing::info!(user_id = created.id, invitation_id = inv.id, "invitation accepted");
    Ok((created, session))
}
