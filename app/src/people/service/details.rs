//! The person page: who they are, where they stand, what happened to them lately, and what the
//! reader may do about it.

use super::{NOT_FOUND, policy_person, target_of};
use crate::audit::service::recent_for_person;
use crate::auth::throttle::locked_until;
use crate::error::AppError;
use crate::organisation::dto::{Unit, UnitKind};
use crate::organisation::service::{find_unit, list_units};
use crate::people::dto::{AssignmentChoices, PersonActions, PersonDetails, PersonStatus};
use crate::policy::{Action, Scope, assignable_roles};
use crate::ssr::Actor;
use crate::ssr::entities::{invitation, user};
use crate::ssr::models::user::{is_active, names};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// How many of a person's audit events their page shows.
const RECENT_EVENTS: u64 = 20;

/// Person `id` as `actor` may see them: a Quality or HR Admin sees only people in their own
/// department; anyone else is `NotFound`, exactly as an id no one has.
pub async fn person_details(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>, id: i32) -> Result<PersonDetails, AppError> {
    let scope = Scope::of(actor)?;
    let found = user::Entity::find_by_id(id).one(db).await?;
    let person = scope.visible(found, |u| u.department_id, NOT_FOUND)?;
    let role = person.role;
    let department = unit(db, UnitKind::Department, person.department_id).await?;
    let location = unit(db, UnitKind::Location, person.location_id).await?;
    let inviter = invitation::Entity::find()
        .filter(invitation::Column::AcceptedUserId.eq(person.id))
        .one(db)
        .await?
        .map(|inv| inv.invited_by);
    let invited_by = match inviter {
        Some(admin) => names(db, vec![admin]).await?.remove(&admin),
        None => None,
    };
    let locked_until = locked_until(db, &person, now).await?;
    let active = is_active(&person);
    let may = |action| scope.permits(action, target_of(&person));
    let own_page = person.id == actor.user_id;
    let actions = PersonActions {
        change_assignment: may(Action::ChangeAssignment) && active,
        own_page,
        deactivate: may(Action::Deactivate) && active && !own_page,
        reactivate: may(Action::Reactivate) && !active,
        send_password_reset: may(Action::ResetAccess) && active && person.email.is_some(),
        reset_pin: may(Action::ResetAccess) && active && person.email.is_none(),
        unlock: may(Action::Unlock) && locked_until.is_some(),
    };
    let choices = choices(db, scope, &person, &department, &location, own_page).await?;
    Ok(PersonDetails {
        id: person.id,
        recent_events: recent_for_person(db, person.id, RECENT_EVENTS).await?,
        name: person.name,
        email: person.email,
        employee_number: person.employee_number,
        role,
        department_id: person.department_id,
        department: department.map(|d| d.name),
        location_id: person.location_id,
        location: location.map(|l| l.name),
        status: if active { PersonStatus::Active } else { PersonStatus::Deactivated },
        locked_until: locked_until.map(Into::into),
        joined: person.created_at.into(),
        invited_by,
        last_sign_in: person.last_sign_in_at.map(Into::into),
        version: person.version,
        actions,
        choices,
    })
}

async fn unit(db: &impl ConnectionTrait, kind: UnitKind, id: Option<i32>) -> Result<Option<Unit>, AppError> {
    Ok(match id {
        Some(id) => find_unit(db, kind, id).await?,
        None => None,
    })
}

/// Active units, and the person's current one even if it has been archived (so the form shows
/// where they are).
async fn with_current(db: &impl ConnectionTrait, kind: UnitKind, current: &Option<Unit>) -> Result<Vec<Unit>, AppError> {
    let mut units = list_units(db, kind, false).await?;
    if let Some(current) = current.as_ref().filter(|c| !units.iter().any(|u| u.id == c.id)) {
        units.insert(0, current.clone());
    }
    Ok(units)
}

/// What the assignment form offers: the roles the policy allows for this person (only their
/// current one on the admin's own page), every department for the Corporate Admin and none
/// (fixed) for a Quality or HR Admin, and every location.
async fn choices(
    db: &impl ConnectionTrait,
    scope: Scope,
    person: &user::Model,
    department: &Option<Unit>,
    location: &Option<Unit>,
    own_page: bool,
) -> Result<AssignmentChoices, AppError> {
    let policy = policy_person(person);
    let roles = if own_page { vec![policy.role] } else { assignable_roles(policy) };
    let departments = match scope {
        Scope::Organisation if !own_page => with_current(db, UnitKind::Department, department).await?,
        _ => Vec::new(),
    };
    Ok(AssignmentChoices { roles, departments, locations: with_current(db, UnitKind::Location, location).await? })
}
