//! What an invitation assigns (role, department, location) and what the Invite dialog offers:
//! the policy's rules (`crate::policy`) applied to the organisation's units as they are now.

use super::rate_limit::remaining_this_hour;
use crate::domain::Role;
use crate::error::AppError;
use crate::invitations::dto::InviteChoices;
use crate::organisation::dto::{DepartmentId, LocationId, Unit, UnitKind};
use crate::organisation::service::{Units, find_unit, units_of_request};
use crate::domain::IdentityKind;
use crate::policy::{Scope, check_department, check_role};
use crate::ssr::entities::invitation;
use crate::ssr::{Actor, Settings};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

/// The role and organisational units an invitation assigns, after the policy's rules.
pub struct Assignment {
    pub role: Role,
    pub department: Option<Unit>,
    pub location: Option<Unit>,
}

impl Assignment {
    pub fn department_id(&self) -> Option<i32> {
        self.department.as_ref().map(|d| d.id)
    }

    pub fn location_id(&self) -> Option<i32> {
        self.location.as_ref().map(|l| l.id)
    }

    /// Whether its department or location has been archived: an invitation into one is not
    /// renewed (Resend, a new handout), only made again into current units.
    pub fn in_archived_unit(&self) -> bool {
        self.department.iter().chain(&self.location).any(|unit| unit.archived)
    }
}

/// Checks role, department and location against what `scope` may assign in an invitation of
/// `kind`; a unit must exist and not be archived.
pub async fn check_assignment(
    db: &impl ConnectionTrait,
    scope: Scope,
    kind: IdentityKind,
    role: &str,
    department: Option<DepartmentId>,
    location: Option<LocationId>,
) -> Result<Assignment, AppError> {
    let role = check_role(kind, role)?;
    check_department(scope, role, department.map(|d| d.0))?;
    let department = match department {
        Some(DepartmentId(id)) => Some(
            active_unit(db, UnitKind::Department, id)
                .await?
                .ok_or_else(|| AppError::field("department", "Choose a department from the list."))?,
        ),
        None => None,
    };
    let location = match location {
        Some(LocationId(id)) => Some(
            active_unit(db, UnitKind::Location, id)
                .await?
                .ok_or_else(|| AppError::field("location", "Choose a location from the list."))?,
        ),
        None => None,
    };
    Ok(Assignment { role, department, location })
}

async fn active_unit(db: &impl ConnectionTrait, kind: UnitKind, id: i32) -> Result<Option<Unit>, DbErr> {
    Ok(find_unit(db, kind, id).await?.filter(|u| !u.archived))
}

/// The role and units a stored invitation carries, as they are now (archived or not).
pub async fn assignment_of(db: &impl ConnectionTrait, inv: &invitation::Model) -> Result<Assignment, AppError> {
    assignment_in(&*units_of_request(db).await?, inv)
}

/// [`assignment_of`] from units already read: for many invitations at once.
pub fn assignment_in(units: &Units, inv: &invitation::Model) -> Result<Assignment, AppError> {
    let role = inv.role;
    let find = |kind, id: Option<i32>| id.and_then(|id| units.find(kind, id).cloned());
    Ok(Assignment { role, department: find(UnitKind::Department, inv.department_id), location: find(UnitKind::Location, inv.location_id) })
}

/// What the Invite dialog offers `actor`: active departments (only their own, fixed, for a
/// Quality or HR Admin; none if theirs has been archived) and locations, and how many
/// invitations they have left this hour.
pub async fn invite_options(
    db: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<InviteChoices, AppError> {
    let scope = Scope::of(actor)?;
    let units = units_of_request(db).await?;
    let departments = units.of(UnitKind::Department, false);
    let fixed_department = scope.department().and_then(|own| departments.iter().find(|d| d.id == own).cloned());
    Ok(InviteChoices {
        departments: if scope.department().is_some() { Vec::new() } else { departments },
        locations: units.of(UnitKind::Location, false),
        fixed_department,
        remaining_this_hour: remaining_this_hour(db, actor.user_id, now, settings.invite_rate_limit).await?,
        hourly_limit: settings.invite_rate_limit,
    })
}
