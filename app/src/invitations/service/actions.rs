//! Resend and Revoke on an invitation that has not been accepted.

use super::invite::{Assignment, clash_or_internal, expire_stale, queue_invitation_mail};
use super::listing::status_at;
use super::rate_limit::reserve_attempt;
use super::shop_floor::{Worker, issue_handout, number_taken};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{NewAuditEvent, record};
use crate::domain::setup_code::SetupCode;
use crate::invitations::dto::Handout;
use crate::domain::Role;
use crate::error::AppError;
use crate::invitations::dto::InvitationStatus;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::find_unit;
use crate::ssr::entities::invitation;
use crate::ssr::tokens::{SecretToken, hash_token};
use crate::ssr::{Actor, Scope, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

/// The invitation if `actor` administers it; someone else's department's looks like no
/// invitation at all.
async fn find_in_scope(db: &impl ConnectionTrait, actor: &Actor, id: i32) -> Result<invitation::Model, AppError> {
    let scope = Scope::of(actor)?;
    invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|inv| scope.department().is_none_or(|d| inv.department_id == Some(d)))
        .ok_or_else(|| AppError::NotFound("That invitation".into()))
}

fn not_open() -> AppError {
    AppError::Invalid("This invitation has already been accepted or revoked.".into())
}

/// The role and units an invitation carries, as they are now.
async fn assignment_of(db: &impl ConnectionTrait, inv: &invitation::Model) -> Result<Assignment, AppError> {
    Ok(Assignment {
        role: Role::parse(&inv.role).ok_or(AppError::Internal)?,
        department: match inv.department_id {
            Some(d) => find_unit(db, UnitKind::Department, d).await?,
            None => None,
        },
        location: match inv.location_id {
            Some(l) => find_unit(db, UnitKind::Location, l).await?,
            None => None,
        },
    })
}

/// Gives a pending (or expired) invitation a new secret and expiry; the old one stops working
/// at once, and the count of wrong setup codes starts again. If another admin has just invited
/// the same address or number, the unique index refuses it and the answer is `taken`.
async fn renew(
    txn: &impl ConnectionTrait,
    inv: &invitation::Model,
    secret_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    taken: AppError,
) -> Result<(), AppError> {
    let renewed = invitation::Entity::update(invitation::ActiveModel {
        id: Set(inv.id),
        token_hash: Set(secret_hash),
        status: Set(invitation::PENDING.to_owned()),
        failed_attempts: Set(0),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    })
    .exec(txn)
    .await;
    renewed.map(|_| ()).map_err(|err| clash_or_internal(err, taken))
}

/// Sends a pending (or expired) invitation again: an email invitation gets a new link by mail,
/// a shop-floor one a new setup code on a new handout, which is answered (and shown once).
/// The old link or code stops working at once. Counts toward the hourly limit.
pub async fn resend(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    id: i32,
) -> Result<Option<Handout>, AppError> {
    let txn = begin_write(db).await?;
    let inv = find_in_scope(&txn, actor, id).await?;
    if !matches!(status_at(&inv, now), InvitationStatus::Pending | InvitationStatus::Expired) {
        return Err(not_open());
    }
    reserve_attempt(&txn, actor.user_id, now, settings.invite_rate_limit).await?;
    let outcome = if inv.kind == invitation::KIND_SHOP_FLOOR {
        resend_handout(&txn, actor, settings, &inv, now).await.map(Some)
    } else {
        resend_email(&txn, actor, settings, &inv, now).await.map(|()| None)
    };
    // A refusal because the address or number is taken still counts as an attempt.
    if matches!(outcome, Ok(_) | Err(AppError::InvitationUnavailable | AppError::EmployeeNumberUnavailable)) {
        txn.commit().await?;
    }
    outcome
}

async fn resend_email(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    inv: &invitation::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (Some(email), Some(canonical)) = (inv.email.clone(), inv.email_canonical.clone()) else {
        return Err(AppError::Internal);
    };
    expire_stale(txn, &canonical, now).await?;
    // An expired invitation may since have been replaced by a newer one for the same address.
    let newer = invitation::Entity::find()
        .filter(invitation::Column::EmailCanonical.eq(canonical.as_str()))
        .filter(invitation::Column::Status.eq(invitation::PENDING))
        .filter(invitation::Column::Id.ne(inv.id))
        .count(txn)
        .await?;
    if newer > 0 {
        return Err(AppError::InvitationUnavailable);
    }
    let token = SecretToken::generate();
    let expires_at = now + settings.invite_ttl;
    renew(txn, inv, token.hash(), now, expires_at, AppError::InvitationUnavailable).await?;
    let assignment = assignment_of(txn, inv).await?;
    queue_invitation_mail(txn, settings, actor, inv.id, &email, &assignment, &token, expires_at, now).await?;
    let event = NewAuditEvent {
        event_type: AuditEventType::InvitationResent.as_str(),
        actor_user_id: Some(actor.user_id),
        subject_type: "invitation",
        subject_id: Some(inv.id),
        department_id: inv.department_id,
        details: serde_json::json!({ "email": email }),
    };
    Ok(record(txn, event, now).await?)
}

async fn resend_handout(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    inv: &invitation::Model,
    now: DateTime<Utc>,
) -> Result<Handout, AppError> {
    let (Some(number), Some(canonical)) = (inv.employee_number.clone(), inv.employee_number_canonical.clone()) else {
        return Err(AppError::Internal);
    };
    if number_taken(txn, &canonical, inv.id, now).await? {
        return Err(AppError::EmployeeNumberUnavailable);
    }
    let code = SetupCode::generate();
    let expires_at = now + settings.invite_ttl;
    renew(txn, inv, hash_token(code.normalised()), now, expires_at, AppError::EmployeeNumberUnavailable).await?;
    let assignment = assignment_of(txn, inv).await?;
    let name = [inv.first_name.as_deref(), inv.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let worker = Worker { invitation_id: inv.id, name, employee_number: number };
    issue_handout(txn, actor, settings, worker, &assignment, &code, now, expires_at).await
}

/// Revokes an invitation that has not been accepted: its link stops working at once.
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>, id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let inv = find_in_scope(&txn, actor, id).await?;
    if !matches!(status_at(&inv, now), InvitationStatus::Pending | InvitationStatus::Expired) {
        return Err(not_open());
    }
    // Conditional, so an acceptance that commits first wins and the revoke reports it.
    let revoked = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value(invitation::REVOKED))
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(inv.id))
        .filter(invitation::Column::Status.is_in([invitation::PENDING, invitation::EXPIRED]))
        .exec(&txn)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(not_open());
    }
    let event = NewAuditEvent {
        event_type: AuditEventType::InvitationRevoked.as_str(),
        actor_user_id: Some(actor.user_id),
        subject_type: "invitation",
        subject_id: Some(inv.id),
        department_id: inv.department_id,
        details: serde_json::json!({ "email": inv.email, "employee_number": inv.employee_number }),
    };
    record(&txn, event, now).await?;
    txn.commit().await?;
    Ok(())
}
