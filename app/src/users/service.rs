//! Listing people, scoped to what the acting admin administers, searchable and filtered.

use super::dto::{UserFilter, UserFilterChoices, UserRow};
use crate::auth::throttle::locked_users;
use crate::domain::Role;
use crate::dto::{Page, PageAt};
use crate::error::AppError;
use crate::organisation::dto::{DepartmentId, LocationId, UnitKind};
use crate::organisation::service::{list_units, unit_names};
use crate::policy::Scope;
use crate::ssr::Actor;
use crate::ssr::entities::user;
use crate::ssr::models::search_terms::{people_matching, search_words};
use crate::ssr::pagination::{ListOrder, fetch_page};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

/// `query` narrowed by `filter`. Every filter is a condition an index leads with (migration
/// 000011): status, role, department or location, then name; a search word is a range of
/// `user_search_terms`.
fn filtered(mut query: Select<user::Entity>, filter: &UserFilter) -> Result<Select<user::Entity>, AppError> {
    query = match filter.status.trim() {
        "" | "active" => query.filter(user::Column::Status.eq(user::STATUS_ACTIVE)),
        "deactivated" => query.filter(user::Column::Status.eq(user::STATUS_DEACTIVATED)),
        "all" => query,
        _ => return Err(AppError::field("status", "Choose a status from the list.")),
    };
    if !filter.role.trim().is_empty() {
        let role = Role::parse(filter.role.trim()).ok_or_else(|| AppError::field("role", "Choose a role from the list."))?;
        query = query.filter(user::Column::Role.eq(role.as_str()));
    }
    if let Some(DepartmentId(department)) = DepartmentId::parse_optional(&filter.department)? {
        query = query.filter(user::Column::DepartmentId.eq(department));
    }
    if let Some(LocationId(location)) = LocationId::parse_optional(&filter.location)? {
        query = query.filter(user::Column::LocationId.eq(location));
    }
    for word in search_words(&filter.q) {
        query = query.filter(user::Column::Id.in_subquery(people_matching(&word)));
    }
    Ok(query)
}

/// People matching `filter`, by name, with whether each is locked out of signing in at `now`;
/// a Quality or HR Admin sees only their own department whatever the filter says.
pub async fn list_users(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    filter: &UserFilter,
    at: PageAt,
) -> Result<Page<UserRow>, AppError> {
    let scope = Scope::of(actor)?;
    let mut query = filtered(user::Entity::find(), filter)?;
    if let Some(department) = scope.department() {
        query = query.filter(user::Column::DepartmentId.eq(department));
    }
    let departments = unit_names(db, UnitKind::Department).await?;
    let locations = unit_names(db, UnitKind::Location).await?;
    let order = ListOrder { key: user::Column::Name, id: user::Column::Id, descending: false };
    let found = fetch_page(db, query, order, at).await?;
    let locked = locked_users(db, &found.items, now).await?;
    Ok(found.map(|users| users
        .into_iter()
        .filter_map(|u| {
            let role = Role::parse(&u.role)?;
            Some(UserRow {
                id: u.id,
                department: u.department_id.and_then(|id| departments.get(&id).cloned()),
                location: u.location_id.and_then(|id| locations.get(&id).cloned()),
                locked: locked.contains(&u.id),
                deactivated: u.status != user::STATUS_ACTIVE,
                name: u.name,
                email: u.email,
                employee_number: u.employee_number,
                role,
            })
        })
        .collect()))
}

/// The departments (all of them for the Corporate Admin, none for a department admin, whose
/// list is fixed to their own) and locations the filters offer, archived ones included.
pub async fn filter_choices(db: &impl ConnectionTrait, actor: &Actor) -> Result<UserFilterChoices, AppError> {
    let scope = Scope::of(actor)?;
    let departments = match scope {
        Scope::Organisation => list_units(db, UnitKind::Department, true).await?,
        Scope::Department(_) => Vec::new(),
    };
    Ok(UserFilterChoices { departments, locations: list_units(db, UnitKind::Location, true).await? })
}
