//! Changing a person's role, department and location: the policy's change rules, a version
//! check so two admins editing at once cannot overwrite each other, an event per change, and
//! authority following the role.

use super::authority::{LostAuthority, revoke_lost_authority};
use super::status::keep_a_corporate_admin;
use super::{find_for, policy_person};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject, record};
use crate::domain::Role;
use crate::error::AppError;
use crate::organisation::dto::{Unit, UnitKind};
use crate::organisation::service::find_unit;
use crate::policy::{Action, Scope, check_change};
use crate::ssr::entities::user;
use crate::ssr::models::user::is_active;
use crate::ssr::{Actor, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter};

/// A change as the admin submitted it, with the version of the person their form was read at.
#[derive(Clone, Debug)]
pub struct AssignmentChange {
    pub person_id: i32,
    pub version: i32,
    pub role: String,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
}

/// The unit `chosen`: it must exist, and be active unless it is the one the person is already
/// in (a person may stay in a unit that was archived).
async fn chosen_unit(
    db: &impl ConnectionTrait,
    kind: UnitKind,
    chosen: Option<i32>,
    current: Option<i32>,
) -> Result<Option<Unit>, AppError> {
    let Some(id) = chosen else { return Ok(None) };
    let (field, message) = match kind {
        UnitKind::Department => ("department", "Choose a department from the list."),
        UnitKind::Location => ("location", "Choose a location from the list."),
    };
    match find_unit(db, kind, id).await? {
        Some(unit) if !unit.archived || chosen == current => Ok(Some(unit)),
        _ => Err(AppError::field(field, message)),
    }
}

async fn unit_name(db: &impl ConnectionTrait, kind: UnitKind, id: Option<i32>) -> Result<Option<String>, AppError> {
    Ok(match id {
        Some(id) => find_unit(db, kind, id).await?.map(|u| u.name),
        None => None,
    })
}

/// Changes person `change.person_id`'s role, department and location as `actor`, if the
/// policy allows it and nobody changed them since `change.version` was read (`Stale`
/// otherwise). Writes one event per field that changed and, when the person loses authority
/// over a department, revokes their pending invitations into it, all in one transaction.
#[tracing::instrument(name = "change_assignment", skip_all, fields(person_id = change.person_id))]
pub async fn change_assignment(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>, change: AssignmentChange) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::ChangeAssignment, change.person_id).await?;
    if !is_active(&person) {
        return Err(AppError::Invalid("Reactivate this person before changing their role or units.".into()));
    }
    if person.version != change.version {
        return Err(AppError::Stale);
    }
    let scope = Scope::of(actor)?;
    let role = Role::parse(&change.role).ok_or_else(|| AppError::field("role", "Choose a role from the list."))?;
    check_change(scope, actor.user_id, policy_person(&person), role, change.department_id)?;
    let department = chosen_unit(&txn, UnitKind::Department, change.department_id, person.department_id).await?;
    let location = chosen_unit(&txn, UnitKind::Location, change.location_id, person.location_id).await?;
    let old_role = person.role;
    let (department_id, location_id) = (department.as_ref().map(|d| d.id), location.as_ref().map(|l| l.id));
    let changed = (role != old_role, department_id != person.department_id, location_id != person.location_id);
    if changed == (false, false, false) {
        return Ok(());
    }
    if old_role == Role::CorporateAdmin && role != old_role {
        keep_a_corporate_admin(&txn, person.id).await?;
    }
    let updated = user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(role))
        .col_expr(user::Column::DepartmentId, Expr::value(department_id))
        .col_expr(user::Column::LocationId, Expr::value(location_id))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(person.id))
        .filter(user::Column::Version.eq(change.version))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Stale);
    }
    let who = |from: Option<String>, to: Option<String>| AuditDetails {
        from,
        to,
        ..AuditDetails::who(person.email.clone(), person.employee_number.clone())
    };
    let event = |event_type, details| NewAuditEvent {
        event_type,
        actor_user_id: Some(actor.user_id),
        subject: Subject::User(person.id),
        department_id,
        details,
    };
    if changed.0 {
        let details = who(Some(old_role.label().into()), Some(role.label().into()));
        record(&txn, event(AuditEventType::RoleChanged, details), now).await?;
    }
    if changed.1 {
        let from = unit_name(&txn, UnitKind::Department, person.department_id).await?;
        let details = who(from, department.map(|d| d.name));
        record(&txn, event(AuditEventType::DepartmentChanged, details), now).await?;
    }
    if changed.2 {
        let from = unit_name(&txn, UnitKind::Location, person.location_id).await?;
        let details = who(from, location.map(|l| l.name));
        record(&txn, event(AuditEventType::LocationChanged, details), now).await?;
    }
    if Scope::for_role(old_role, person.department_id).is_ok() {
        let why = if changed.0 { LostAuthority::RoleChanged } else { LostAuthority::DepartmentChanged };
        let remaining = Scope::for_role(role, department_id).ok();
        revoke_lost_authority(&txn, person.id, remaining, why, actor.user_id, now).await?;
    }
    txn.commit().await?;
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "assignment changed");
    Ok(())
}
