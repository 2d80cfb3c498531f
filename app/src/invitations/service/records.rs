//! What an invitation writes besides its rules: the row, the email's content, and the audit
//! event. Never a token or a code in an event.

use super::assignment::Assignment;
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject};
use crate::error::AppError;
use crate::mail::templates::{InvitationEmail, MailContent, PendingReminder};
use crate::ssr::entities::invitation;
use crate::ssr::models::invitation::pending;
use crate::ssr::tokens::SecretToken;
use crate::ssr::{Actor, Settings};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, SqlErr};

/// A pending invitation row: `identity` holds what tells this kind apart (kind, email or
/// employee number, names); the rest is the same for every kind.
pub fn pending_row(
    invited_by: i32,
    assignment: &Assignment,
    identity: invitation::ActiveModel,
    secret_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> invitation::ActiveModel {
    let row = invitation::ActiveModel {
        role: Set(assignment.role),
        department_id: Set(assignment.department_id()),
        location_id: Set(assignment.location_id()),
        invited_by: Set(invited_by),
        ..identity
    };
    pending(row, secret_hash, now, expires_at)
}

/// A unique-index clash on invitations means another admin took the same address or number a
/// moment ago: that answers `taken`; anything else is the database's fault.
pub fn clash_or_internal(err: DbErr, taken: AppError) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => taken,
        _ => err.into(),
    }
}

/// Writes a pending invitation (see [`pending_row`]) for `actor`; a clash answers `taken`.
pub async fn insert_pending(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    assignment: &Assignment,
    identity: invitation::ActiveModel,
    secret_hash: String,
    times: (DateTime<Utc>, DateTime<Utc>),
    taken: AppError,
) -> Result<i32, AppError> {
    let (now, expires_at) = times;
    let row = pending_row(actor.user_id, assignment, identity, secret_hash, now, expires_at);
    match invitation::Entity::insert(row).exec(txn).await {
        Ok(done) => Ok(done.last_insert_id),
        Err(err) => Err(clash_or_internal(err, taken)),
    }
}

/// What the email that carries `token` to the invitee says; the outbox worker renders it.
pub fn invitation_mail(
    settings: &Settings,
    inviter: &str,
    assignment: &Assignment,
    token: &SecretToken,
    expires_at: DateTime<Utc>,
) -> MailContent {
    MailContent::Invitation(InvitationEmail {
        inviter: inviter.to_owned(),
        organisation: settings.organisation_name.clone(),
        role: assignment.role.label().to_owned(),
        department: assignment.department.as_ref().map(|d| d.name.clone()),
        location: assignment.location.as_ref().map(|l| l.name.clone()),
        expires_at,
        link: settings.link(&format!("invitation/{}", token.expose())),
    })
}

/// An audit event about invitation `id`, by `actor_id`: `who` holds email, or employee number
/// and name; with `assignment`, the role and units are recorded beside it.
pub fn invitation_event(
    event_type: AuditEventType,
    actor_id: i32,
    id: i32,
    department_id: Option<i32>,
    who: AuditDetails,
    assignment: Option<&Assignment>,
) -> NewAuditEvent {
    let details = match assignment {
        Some(assignment) => AuditDetails {
            role: Some(assignment.role.label().to_owned()),
            department: assignment.department.as_ref().map(|d| d.name.clone()),
            location: assignment.location.as_ref().map(|l| l.name.clone()),
            ..who
        },
        None => who,
    };
    NewAuditEvent { event_type, actor_user_id: Some(actor_id), subject: Subject::Invitation(id), department_id, details }
}

/// The reminder for an invitation whose email says `mail` and whose token hashes to
/// `token_hash`, if the operator set `INVITE_REMINDER` and its time (that long before
/// `expires_at`) is still ahead: when it is due, and what it says, without a working link (the
/// worker gives the invitation a new token when the reminder goes).
pub fn reminder_of(
    settings: &Settings,
    mail: &MailContent,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Option<(DateTime<Utc>, MailContent)> {
    let due = expires_at - settings.invite_reminder?;
    match mail {
        MailContent::Invitation(email) if due > now => {
            let email = InvitationEmail { link: settings.link("invitation/"), ..email.clone() };
            Some((due, MailContent::PendingReminder(PendingReminder { email, token_hash: token_hash.to_owned() })))
        }
        _ => None,
    }
}
