//! Resend and Revoke on an invitation that has not been accepted.

use super::assignment::{Assignment, assignment_of};
use super::availability::{is_free, unavailable};
use super::rate_limit::reserve_attempt;
use super::records::{clash_or_internal, invitation_event, invitation_mail, reminder_of};
use super::shop_floor::{Code, HandoutWorker, issue_handout, worker_name};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, record};
use crate::domain::email::WorkEmail;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::setup_code::SetupCode;
use crate::domain::Identity;
use crate::error::AppError;
use crate::invitations::dto::Handout;
use crate::mail::outbox::{self, OutboxSignal};
use crate::policy::{Action, Scope, Target};
use crate::ssr::entities::invitation;
use crate::ssr::models::invitation as lifecycle;
use crate::ssr::tokens::{SecretToken, hash_token};
use crate::ssr::{Actor, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

/// The invitation if `actor` administers it, and it is still open to Resend and Revoke;
/// someone else's department's looks like no invitation at all.
async fn find_open_in_scope(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: Action,
    id: i32,
) -> Result<invitation::Model, AppError> {
    let scope = Scope::of(actor)?;
    let found = invitation::Entity::find_by_id(id).one(db).await?;
    let inv = scope.visible(found, |inv| inv.department_id, "That invitation")?;
    scope.require(action, Target { department: inv.department_id, role: inv.role })?;
    if !lifecycle::RENEWABLE.contains(&inv.status) {
        return Err(not_open());
    }
    Ok(inv)
}

fn not_open() -> AppError {
    AppError::Invalid("This invitation has already been accepted or revoked.".into())
}

/// Sends a pending (or expired) invitation again: an email invitation gets a new link by mail,
/// a shop-floor one a new setup code on a new handout, which is answered (and shown once).
/// The old link or code stops working at once. Counts toward the hourly limit. Wakes the
/// outbox once a new email is committed.
#[tracing::instrument(name = "resend", skip_all, fields(invitation_id = id))]
pub async fn resend(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    outbox: &OutboxSignal,
    now: DateTime<Utc>,
    id: i32,
) -> Result<Option<Handout>, AppError> {
    let txn = begin_write(db).await?;
    let inv = find_open_in_scope(&txn, actor, Action::Resend, id).await?;
    let assignment = assignment_of(&txn, &inv).await?;
    if assignment.in_archived_unit() {
        return Err(AppError::Invalid(
            "This invitation's department or location has been archived. Invite the person again into current units."
                .into(),
        ));
    }
    reserve_attempt(&txn, actor.user_id, now, settings.invite_rate_limit).await?;
    let outcome = match lifecycle::identity(&inv)? {
        Identity::EmployeeNumber(number) => resend_handout(&txn, actor, settings, &inv, number, &assignment, now).await.map(Some),
        Identity::Email(email) => resend_email(&txn, actor, settings, &inv, email, &assignment, now).await.map(|()| None),
    };
    // A refusal because the address or number is taken still counts as an attempt.
    if matches!(outcome, Ok(_) | Err(AppError::InvitationUnavailable | AppError::EmployeeNumberUnavailable)) {
        txn.commit().await?;
    }
    if matches!(outcome, Ok(None)) {
        outbox.wake();
    }
    outcome
}

/// A new secret and expiry for `inv`; `taken` if another admin has just invited the same
/// address or number (the unique index refuses it).
async fn renew(
    txn: &impl ConnectionTrait,
    inv: &invitation::Model,
    secret_hash: String,
    now: DateTime<Utc>,
    settings: &Settings,
    taken: AppError,
) -> Result<DateTime<Utc>, AppError> {
    let expires_at = settings.invitation_expiry(now);
    let renewed = lifecycle::renew(txn, inv.id, secret_hash, now, expires_at).await.map_err(|err| clash_or_internal(err, taken))?;
    if !renewed {
        return Err(not_open()); // revoked or accepted since it was read
    }
    Ok(expires_at)
}

async fn resend_email(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    inv: &invitation::Model,
    email: WorkEmail,
    assignment: &Assignment,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let identity = Identity::Email(email);
    // An expired invitation may since have been replaced by a newer one for the same address.
    if !is_free(txn, &identity, now, Some(inv.id)).await? {
        return Err(unavailable(identity.kind()));
    }
    let email = identity.as_str().to_owned();
    let token = SecretToken::generate();
    let expires_at = renew(txn, inv, token.hash(), now, settings, unavailable(identity.kind())).await?;
    // The old link is dead: mail still carrying it must not go out.
    outbox::cancel_unsent(txn, inv.id).await?;
    let content = invitation_mail(settings, &actor.name, assignment, &token, expires_at);
    outbox::enqueue(txn, Some(inv.id), &email, &content, now).await?;
    if let Some((due, reminder)) = reminder_of(settings, &content, &token.hash(), now, expires_at) {
        outbox::enqueue_many(txn, vec![outbox::reminder_row(inv.id, &email, &reminder, due, now)]).await?;
    }
    let who = AuditDetails::who(Some(email.clone()), None);
    let event = invitation_event(AuditEventType::InvitationResent, actor.user_id, inv.id, inv.department_id, who, None);
    Ok(record(txn, event, now).await?)
}

async fn resend_handout(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    inv: &invitation::Model,
    number: EmployeeNumber,
    assignment: &Assignment,
    now: DateTime<Utc>,
) -> Result<Handout, AppError> {
    let identity = Identity::EmployeeNumber(number);
    if !is_free(txn, &identity, now, Some(inv.id)).await? {
        return Err(unavailable(identity.kind()));
    }
    let code = SetupCode::generate();
    let code_hash = hash_token(code.normalised());
    let expires_at = renew(txn, inv, code_hash, now, settings, unavailable(identity.kind())).await?;
    let worker = HandoutWorker { invitation_id: inv.id, name: worker_name(inv), employee_number: identity.as_str().to_owned() };
    issue_handout(txn, actor, settings, worker, assignment, Code { code: &code, expires_at }, now).await
}

/// Revokes an invitation that has not been accepted: its link stops working at once, and mail
/// carrying it that has not gone yet is cancelled.
#[tracing::instrument(name = "revoke", skip_all, fields(invitation_id = id))]
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>, id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let inv = find_open_in_scope(&txn, actor, Action::Revoke, id).await?;
    if !lifecycle::revoke(&txn, inv.id, now).await? {
        return Err(not_open());
    }
    outbox::cancel_unsent(&txn, inv.id).await?;
    let who = AuditDetails::who(inv.email.clone(), inv.employee_number.clone());
    let event = invitation_event(AuditEventType::InvitationRevoked, actor.user_id, inv.id, inv.department_id, who, None);
    record(&txn, event, now).await?;
    txn.commit().await?;
    Ok(())
}
