//! Password resets for email users: a one-time link, sent by an admin from the person page or
//! asked for on the sign-in page ("Forgot password?", in `forgot`). Same token rules as
//! invitations: 32 random bytes, only a hash stored, opening the link uses nothing and moves
//! the token into a cookie. It works for `RESET_TTL`.

use super::super::find_for;
use super::resets::{count_admin_reset, finish, insert_reset, open_reset};
use crate::accept::service::looks_like_token;
use crate::audit::dto::AuditEventType;
use crate::audit::service::{person_event, record};
use crate::domain::password::{NewPassword, hash_password};
use crate::domain::{Identity, IdentityKind};
use crate::error::AppError;
use crate::mail::outbox::{self, OutboxSignal};
use crate::mail::templates::{MailContent, PasswordResetEmail};
use crate::policy::Action;
use crate::ssr::entities::access_reset::Kind;
use crate::ssr::entities::user;
use crate::ssr::models::user::{identity, is_active, known_by};
use crate::ssr::tokens::{SecretToken, hash_token};
use crate::ssr::{Actor, Settings, begin_write, cookie_header};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// Holds a password-reset token between the link and the form, like the invitation cookie.
pub const RESET_COOKIE: &str = "onboard_reset";
const COOKIE_MINUTES: i64 = 60;

/// The reset token this browser holds, if any.
pub fn reset_cookie(headers: &http::HeaderMap, settings: &Settings) -> Option<String> {
    crate::ssr::cookie_value(headers, RESET_COOKIE, settings).filter(|t| looks_like_token(t))
}

/// `Set-Cookie` carrying a reset token from a link.
pub fn reset_set_cookie(token: &str, settings: &Settings) -> String {
    cookie_header(RESET_COOKIE, token, cookie::time::Duration::minutes(COOKIE_MINUTES), settings)
}

/// `Set-Cookie` removing the reset cookie.
pub fn reset_clear_cookie(settings: &Settings) -> String {
    cookie_header(RESET_COOKIE, "", cookie::time::Duration::ZERO, settings)
}

/// Queues a password-reset link for `person` (active, with an email address) through the
/// outbox, with its audit event, in `txn`.
pub(super) async fn queue_reset_mail(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    person: &user::Model,
    by_admin: Option<&Actor>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Identity::Email(address) = identity(person)? else {
        return Err(AppError::Invalid("A shop-floor worker has no email: use Reset PIN.".into()));
    };
    let token = SecretToken::generate();
    let expires_at = now + settings.reset_ttl;
    insert_reset(txn, person.id, Kind::Password, token.hash(), by_admin.map(|a| a.user_id), (now, expires_at)).await?;
    let content = MailContent::PasswordReset(PasswordResetEmail {
        name: person.name.clone(),
        organisation: settings.organisation_name.clone(),
        by_admin: by_admin.map(|a| a.name.clone()),
        expires_at,
        link: settings.link(&format!("reset/{}", token.expose())),
    });
    outbox::enqueue(txn, None, address.as_str(), &content, now).await?;
    record(txn, person_event(AuditEventType::PasswordResetSent, by_admin.map(|a| a.user_id), person), now).await?;
    Ok(())
}

/// "Send password reset" on the person page: a one-time link to person `id`'s address.
#[tracing::instrument(name = "send_password_reset", skip_all, fields(person_id = id))]
pub async fn send_password_reset(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    outbox: &OutboxSignal,
    now: DateTime<Utc>,
    id: i32,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::ResetAccess, id).await?;
    if !is_active(&person) {
        return Err(AppError::Invalid("Reactivate this person first.".into()));
    }
    if known_by(&person) == IdentityKind::Email {
        count_admin_reset(&txn, &person, now).await?;
    }
    queue_reset_mail(&txn, settings, &person, Some(actor), now).await?;
    txn.commit().await?;
    outbox.wake();
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "password reset sent");
    Ok(())
}

/// The name of the person whose reset link this browser holds, if it still works.
pub async fn reset_link_valid(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    match open_reset(db, &hash_token(token), now).await? {
        Some((reset, person)) if reset.kind == Kind::Password => Ok(person.email.unwrap_or(person.name)),
        _ => Err(AppError::ResetLinkInvalid),
    }
}

/// Sets a new password from the reset link `token`: the password rule applies, every other
/// session ends, and it is recorded. Any unusable link is `ResetLinkInvalid`.
pub async fn complete_password_reset(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    token: &str,
    password: String,
    confirmation: &str,
) -> Result<(user::Model, SecretToken), AppError> {
    let (reset, person) = match open_reset(db, &hash_token(token), now).await? {
        Some((reset, person)) if reset.kind == Kind::Password && known_by(&person) == IdentityKind::Email => (reset, person),
        _ => return Err(AppError::ResetLinkInvalid),
    };
    let password = NewPassword::parse(password, person.email.as_deref().unwrap_or_default()).map_err(|msg| AppError::field("password", msg))?;
    if password.expose() != confirmation {
        return Err(AppError::field("password_confirmation", "The two passwords do not match."));
    }
    let hash = hash_password(&password).await?;
    let done = finish(db, settings, now, &reset, &person, hash, AuditEventType::PasswordResetCompleted).await;
    let done = done.map_err(|e| e.unwrap_or(AppError::ResetLinkInvalid))?;
    tracing::info!(user_id = person.id, "password reset completed");
    Ok(done)
}

