//! Resend and Revoke on an invitation that has not been accepted.

use super::invite::{Assignment, expire_stale, queue_invitation_mail};
use super::listing::status_at;
use super::rate_limit::reserve_attempt;
use crate::audit::service::{NewAuditEvent, record};
use crate::domain::Role;
use crate::error::AppError;
use crate::invitations::dto::InvitationStatus;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::find_unit;
use crate::ssr::entities::invitation;
use crate::ssr::tokens::SecretToken;
use crate::ssr::{Actor, Scope, Settings};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
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

/// Sends a pending (or expired) email invitation again with a new link and expiry; the old
/// link stops working at once. Counts toward the hourly limit.
pub async fn resend(db: &DatabaseConnection, actor: &Actor, settings: &Settings, now: DateTime<Utc>, id: i32) -> Result<(), AppError> {
    let txn = db.begin().await?;
    let inv = find_in_scope(&txn, actor, id).await?;
    if !matches!(status_at(&inv, now), InvitationStatus::Pending | InvitationStatus::Expired) {
        return Err(not_open());
    }
    let (Some(email), Some(canonical)) = (inv.email.clone(), inv.email_canonical.clone()) else {
        return Err(AppError::Invalid("Only email invitations can be resent.".into()));
    };
    reserve_attempt(&txn, actor.user_id, now, settings.invite_rate_limit).await?;
    expire_stale(&txn, &canonical, now).await?;
    // An expired invitation may since have been replaced by a newer one for the same address.
    let newer = invitation::Entity::find()
        .filter(invitation::Column::EmailCanonical.eq(canonical.as_str()))
        .filter(invitation::Column::Status.eq(invitation::PENDING))
        .filter(invitation::Column::Id.ne(inv.id))
        .count(&txn)
        .await?;
    if newer > 0 {
        txn.commit().await?;
        return Err(AppError::InvitationUnavailable);
    }
    let token = SecretToken::generate();
    let expires_at = now + settings.invite_ttl;
    invitation::Entity::update(invitation::ActiveModel {
        id: Set(inv.id),
        token_hash: Set(token.hash()),
        status: Set(invitation::PENDING.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let assignment = Assignment {
        role: Role::parse(&inv.role).ok_or(AppError::Internal)?,
        department: match inv.department_id {
            Some(d) => find_unit(&txn, UnitKind::Department, d).await?,
            None => None,
        },
        location: match inv.location_id {
            Some(l) => find_unit(&txn, UnitKind::Location, l).await?,
            None => None,
        },
    };
    queue_invitation_mail(&txn, settings, actor, inv.id, &email, &assignment, &token, expires_at, now).await?;
    let event = NewAuditEvent {
        event_type: "invitation.resent",
        actor_user_id: Some(actor.user_id),
        subject_type: "invitation",
        subject_id: Some(inv.id),
        department_id: inv.department_id,
        details: serde_json::json!({ "email": email }),
    };
    record(&txn, event, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Revokes an invitation that has not been accepted: its link stops working at once.
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>, id: i32) -> Result<(), AppError> {
    let txn = db.begin().await?;
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
        event_type: "invitation.revoked",
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
