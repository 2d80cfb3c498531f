//! Following an invitation link: the short-lived cookie that carries the token, and looking up
//! an invitation that can still be accepted.

use crate::accept::dto::InvitationDetails;
use crate::domain::Role;
use crate::error::AppError;
use crate::organisation::dto::{Unit, UnitKind};
use crate::organisation::service::find_unit;
use crate::ssr::Settings;
use crate::ssr::entities::{invitation, user};
use crate::ssr::tokens::hash_token;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Holds the invitation token between the link and the form, so the token leaves the address
/// bar after the first load.
pub const INVITATION_COOKIE: &str = "onboard_invitation";
/// Long enough to fill in the form; the invitation's own expiry still applies.
const COOKIE_MINUTES: i64 = 60;

/// Whether `raw` could be a token we issued (URL-safe base64, as [`SecretToken`] makes them).
///
/// [`SecretToken`]: crate::ssr::tokens::SecretToken
pub fn looks_like_token(raw: &str) -> bool {
    (20..=100).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The invitation token the browser holds, if any.
pub fn invitation_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == INVITATION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|token| looks_like_token(token))
}

fn build(value: &str, max_age: cookie::time::Duration, settings: &Settings) -> String {
    cookie::Cookie::build((INVITATION_COOKIE, value.to_owned()))
        .path("/")
        .http_only(true)
        // Lax: the link is opened from a mail client, another site; the cookie must come back
        // on the redirect that follows.
        .same_site(cookie::SameSite::Lax)
        .secure(settings.secure_cookies())
        .max_age(max_age)
        .build()
        .to_string()
}

/// `Set-Cookie` carrying a token from a link.
pub fn invitation_set_cookie(token: &str, settings: &Settings) -> String {
    build(token, cookie::time::Duration::minutes(COOKIE_MINUTES), settings)
}

/// `Set-Cookie` removing the invitation cookie.
pub fn invitation_clear_cookie(settings: &Settings) -> String {
    build("", cookie::time::Duration::ZERO, settings)
}

fn usable(unit: Option<Unit>) -> Option<Unit> {
    unit.filter(|u| !u.archived)
}

/// The invitation a token opens, if it is pending, unexpired, and its department and location
/// still exist. Every other case is the same `InvitationLinkInvalid`.
pub async fn open_invitation(
    db: &impl ConnectionTrait,
    settings: &Settings,
    raw_token: &str,
    now: DateTime<Utc>,
) -> Result<(invitation::Model, InvitationDetails), AppError> {
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(hash_token(raw_token)))
        .filter(invitation::Column::Status.eq(invitation::PENDING))
        .filter(invitation::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    let inv = found.ok_or(AppError::InvitationLinkInvalid)?;
    let role = Role::parse(&inv.role).ok_or(AppError::InvitationLinkInvalid)?;
    let department = match inv.department_id {
        Some(id) => Some(usable(find_unit(db, UnitKind::Department, id).await?).ok_or(AppError::InvitationLinkInvalid)?),
        None => None,
    };
    let location = match inv.location_id {
        Some(id) => Some(usable(find_unit(db, UnitKind::Location, id).await?).ok_or(AppError::InvitationLinkInvalid)?),
        None => None,
    };
    let inviter = user::Entity::find_by_id(inv.invited_by).one(db).await?.map(|u| u.name).unwrap_or_default();
    let details = InvitationDetails {
        organisation: settings.organisation_name.clone(),
        inviter,
        email: inv.email.clone(),
        role,
        department: department.map(|d| d.name),
        location: location.map(|l| l.name),
        expires_at: inv.expires_at,
    };
    Ok((inv, details))
}
