//! Following an invitation link: the short-lived cookie that carries the token, and looking up
//! an invitation that can still be accepted.

use crate::accept::dto::InvitationDetails;
use crate::error::AppError;
use crate::ssr::models::invitation::{self as lifecycle, OpenInvitation};
use crate::ssr::tokens::hash_token;
use crate::ssr::{Settings, cookie_header};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

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
pub fn invitation_cookie(headers: &http::HeaderMap, settings: &Settings) -> Option<String> {
    crate::ssr::cookie_value(headers, INVITATION_COOKIE, settings).filter(|token| looks_like_token(token))
}

/// `Set-Cookie` carrying a token from a link.
pub fn invitation_set_cookie(token: &str, settings: &Settings) -> String {
    cookie_header(INVITATION_COOKIE, token, cookie::time::Duration::minutes(COOKIE_MINUTES), settings)
}

/// `Set-Cookie` removing the invitation cookie.
pub fn invitation_clear_cookie(settings: &Settings) -> String {
    cookie_header(INVITATION_COOKIE, "", cookie::time::Duration::ZERO, settings)
}

/// Holds a shop-floor setup code from a scanned QR link, like [`INVITATION_COOKIE`].
pub const SETUP_COOKIE: &str = "onboard_setup";

/// The setup code the browser holds from a QR link, if any.
pub fn setup_cookie(headers: &http::HeaderMap, settings: &Settings) -> Option<String> {
    crate::ssr::cookie_value(headers, SETUP_COOKIE, settings)
        .and_then(|code| crate::domain::setup_code::normalise_typed(&code))
}

/// `Set-Cookie` for a setup code from a QR link, or removing it (`None`).
pub fn setup_set_cookie(code: Option<&str>, settings: &Settings) -> String {
    match code {
        Some(code) => cookie_header(SETUP_COOKIE, code, cookie::time::Duration::minutes(COOKIE_MINUTES), settings),
        None => cookie_header(SETUP_COOKIE, "", cookie::time::Duration::ZERO, settings),
    }
}

/// The invitation a token (or a setup code) opens, if it is pending, unexpired, and its
/// department and location still exist. Every other case is the same `InvitationLinkInvalid`.
pub async fn open_invitation(
    db: &impl ConnectionTrait,
    settings: &Settings,
    raw_token: &str,
    now: DateTime<Utc>,
) -> Result<(OpenInvitation, InvitationDetails), AppError> {
    let inv = lifecycle::open_by_secret(db, &hash_token(raw_token), now).await?.ok_or(AppError::InvitationLinkInvalid)?;
    let role = inv.role;
    let details = InvitationDetails {
        organisation: settings.organisation_name.clone(),
        inviter: inv.inviter_name.clone().unwrap_or_default(),
        email: inv.email.clone(),
        role,
        department: inv.department_name.clone(),
        location: inv.location_name.clone(),
        expires_at: inv.expires_at.into(),
    };
    Ok((inv, details))
}
