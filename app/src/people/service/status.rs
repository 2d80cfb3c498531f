//! Deactivate and reactivate. A deactivated person cannot sign in (refused with the same words
//! as a wrong password), has no sessions and no working reset link or code, and keeps their
//! data and history; reactivation gives back access with the same password or PIN.

use super::authority::{LostAuthority, revoke_lost_authority};
use super::find_for;
use crate::audit::service::person_event;
use crate::audit::dto::AuditEventType;
use crate::audit::service::record;
use crate::domain::Role;
use crate::error::AppError;
use crate::policy::Action;
use crate::ssr::entities::{access_reset, session, user};
use crate::ssr::models::user::is_active;
use crate::ssr::limiter::{LockClass, take_class_turn};
use crate::ssr::{Actor, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter};

/// Refuses a change that would leave no active Corporate Admin besides `person_id`. On
/// PostgreSQL an advisory lock makes two such changes at once take turns (SQLite's write lock
/// already does), so two Corporate Admins cannot deactivate each other at the same moment.
pub(super) async fn keep_a_corporate_admin(txn: &impl ConnectionTrait, person_id: i32) -> Result<(), AppError> {
    take_class_turn(txn, LockClass::CorporateAdmins).await?;
    let others = user::Entity::find()
        .filter(user::Column::Role.eq(Role::CorporateAdmin))
        .filter(user::Column::Status.eq(user::Status::Active))
        .filter(user::Column::Id.ne(person_id))
        .count(txn)
        .await?;
    if others == 0 {
        return Err(AppError::Invalid(
            "This is the last active Corporate Admin. Create another with the server's CLI first.".into(),
        ));
    }
    Ok(())
}

/// Switches person `id` off, as `actor`: ends all their sessions at once, kills any reset link
/// or code they hold, revokes the pending invitations they sent, and records it, in one
/// transaction. Nobody deactivates themselves or the last active Corporate Admin.
#[tracing::instrument(name = "deactivate", skip_all, fields(person_id = id))]
pub async fn deactivate(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>, id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::Deactivate, id).await?;
    if person.id == actor.user_id {
        return Err(AppError::Invalid("You cannot deactivate your own account.".into()));
    }
    if !is_active(&person) {
        return Err(AppError::Invalid("This person is already deactivated.".into()));
    }
    if person.role == Role::CorporateAdmin {
        keep_a_corporate_admin(&txn, person.id).await?;
    }
    let switched = user::Entity::update_many()
        .col_expr(user::Column::Status, Expr::value(user::Status::Deactivated))
        .col_expr(user::Column::DeactivatedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(person.id))
        .filter(user::Column::Status.eq(user::Status::Active))
        .exec(&txn)
        .await?;
    if switched.rows_affected != 1 {
        return Err(AppError::Stale);
    }
    session::Entity::delete_many().filter(session::Column::UserId.eq(person.id)).exec(&txn).await?;
    access_reset::Entity::update_many()
        .col_expr(access_reset::Column::UsedAt, Expr::value(now))
        .filter(access_reset::Column::UserId.eq(person.id))
        .filter(access_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    revoke_lost_authority(&txn, person.id, None, LostAuthority::Deactivated, actor.user_id, now).await?;
    record(&txn, person_event(AuditEventType::Deactivated, Some(actor.user_id), &person), now).await?;
    txn.commit().await?;
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "person deactivated");
    Ok(())
}

/// Switches person `id` back on, as `actor`, with the password or PIN they had.
#[tracing::instrument(name = "reactivate", skip_all, fields(person_id = id))]
pub async fn reactivate(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>, id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::Reactivate, id).await?;
    if is_active(&person) {
        return Err(AppError::Invalid("This person is already active.".into()));
    }
    let switched = user::Entity::update_many()
        .col_expr(user::Column::Status, Expr::value(user::Status::Active))
        .col_expr(user::Column::DeactivatedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(person.id))
        .filter(user::Column::Status.eq(user::Status::Deactivated))
        .exec(&txn)
        .await?;
    if switched.rows_affected != 1 {
        return Err(AppError::Stale);
    }
    record(&txn, person_event(AuditEventType::Reactivated, Some(actor.user_id), &person), now).await?;
    txn.commit().await?;
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "person reactivated");
    Ok(())
}
