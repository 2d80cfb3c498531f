//! Listing people, scoped to what the acting admin administers, searchable and filtered.

use super::dto::{UserFilter, UserFilterChoices, UserRow};
use crate::auth::throttle::locked_users;
use crate::domain::Role;
use crate::dto::{Page, PageAt};
use std::collections::HashMap;
use crate::error::AppError;
use crate::organisation::dto::{DepartmentId, LocationId, UnitKind};
use crate::organisation::service::units_of_request;
use crate::policy::Scope;
use crate::ssr::Actor;
use crate::ssr::entities::{search_term, user};
use crate::ssr::models::search_terms::{also_with_term, only_term, people_in_term, people_with_term, search_words};
use crate::ssr::pagination::{Counting, ListOrder, fetch_page};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

/// The columns a list of people is filtered by, in `users` or in `user_search_terms`.
struct PersonColumns<C> {
    status: C,
    role: C,
    department: C,
    location: C,
}

/// `query` narrowed by `filter`'s status, role, department and location, and to `scope`'s
/// department (a Quality or HR Admin sees only their own whatever the filter says). Each is a
/// condition an index leads with (migration 000011), or, in a search, a column of the terms'
/// key range (migration 000013).
fn narrowed<E: EntityTrait>(
    mut query: Select<E>,
    columns: PersonColumns<E::Column>,
    filter: &UserFilter,
    scope: Scope,
) -> Result<Select<E>, AppError> {
    query = match filter.status.trim() {
        "" | "active" => query.filter(columns.status.eq(user::Status::Active)),
        "deactivated" => query.filter(columns.status.eq(user::Status::Deactivated)),
        "all" => query,
        _ => return Err(AppError::field("status", "Choose a status from the list.")),
    };
    if !filter.role.trim().is_empty() {
        let role = Role::parse(filter.role.trim()).ok_or_else(|| AppError::field("role", "Choose a role from the list."))?;
        query = query.filter(columns.role.eq(role));
    }
    if let Some(DepartmentId(department)) = DepartmentId::parse_optional(&filter.department)? {
        query = query.filter(columns.department.eq(department));
    }
    if let Some(LocationId(location)) = LocationId::parse_optional(&filter.location)? {
        query = query.filter(columns.location.eq(location));
    }
    if let Some(department) = scope.department() {
        query = query.filter(columns.department.eq(department));
    }
    Ok(query)
}

/// People narrowed by `filter` (its search aside) and `scope`, read from `users`.
fn people(filter: &UserFilter, scope: Scope) -> Result<Select<user::Entity>, AppError> {
    use user::Column as C;
    let columns = PersonColumns { status: C::Status, role: C::Role, department: C::DepartmentId, location: C::LocationId };
    narrowed(user::Entity::find(), columns, filter, scope)
}

/// The page of people `filter` finds at `at`, in name order.
///
/// Without a search the page is read from `users` along the index its filter leads. With one,
/// it is read from `user_search_terms`, whose rows also hold each person's name and filter
/// columns. When the longest word typed begins exactly one term and is the only word, that
/// term's people lie in name order along the key (term, name, user_id): the page is a walk from
/// its first name that stops after the page, and the count a walk of the term that stops at the
/// cap, so even a surname 3,000 people share costs a page of rows to show. Otherwise the word's
/// range of the key is read once, for the page and its count ([`Counting::WithPage`]): one row
/// a person, each other word narrowing it to the people it begins a term of. Only the page's
/// people are then read from `users`, under the same filter and scope again.
async fn people_page(db: &impl ConnectionTrait, filter: &UserFilter, scope: Scope, at: PageAt) -> Result<Page<user::Model>, AppError> {
    let mut words = search_words(&filter.q);
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let Some((leading, others)) = words.split_first() else {
        let order = ListOrder { key: user::Column::Name, id: user::Column::Id, descending: false };
        return Ok(fetch_page(db, people(filter, scope)?, order, at, Counting::Apart).await?);
    };
    use search_term::Column as C;
    let columns = PersonColumns { status: C::Status, role: C::Role, department: C::DepartmentId, location: C::LocationId };
    let only = if others.is_empty() { only_term(db, leading).await? } else { None };
    let (matching, counting) = match only {
        Some(term) => (people_in_term(&term), Counting::Apart),
        None => (people_with_term(leading), Counting::WithPage),
    };
    let mut terms = narrowed(matching, columns, filter, scope)?;
    for word in others {
        terms = terms.filter(also_with_term(word));
    }
    let order = ListOrder { key: C::Name, id: C::UserId, descending: false };
    let found = fetch_page(db, terms, order, at, counting).await?;
    let ids: Vec<i32> = found.items.iter().map(|t| t.user_id).collect();
    let mut rows: HashMap<i32, user::Model> =
        people(filter, scope)?.filter(user::Column::Id.is_in(ids.clone())).all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    Ok(found.map(|_| ids.iter().filter_map(|id| rows.remove(id)).collect()))
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
    let found = people_page(db, filter, scope, at).await?;
    let units = units_of_request(db).await?;
    let (departments, locations) = (units.names(UnitKind::Department), units.names(UnitKind::Location));
    let locked = locked_users(db, &found.items, now).await?;
    Ok(found.map(|users| users
        .into_iter()
        .map(|u| UserRow {
                id: u.id,
                department: u.department_id.and_then(|id| departments.get(&id).cloned()),
                location: u.location_id.and_then(|id| locations.get(&id).cloned()),
                locked: locked.contains(&u.id),
                deactivated: u.status == user::Status::Deactivated,
                name: u.name,
                email: u.email,
                employee_number: u.employee_number,
                role: u.role,
        })
        .collect()))
}

/// The departments (all of them for the Corporate Admin, none for a department admin, whose
/// list is fixed to their own) and locations the filters offer, archived ones included.
pub async fn filter_choices(db: &impl ConnectionTrait, actor: &Actor) -> Result<UserFilterChoices, AppError> {
    let scope = Scope::of(actor)?;
    let units = units_of_request(db).await?;
    let departments = match scope {
        Scope::Organisation => units.departments.clone(),
        Scope::Department(_) => Vec::new(),
    };
    Ok(UserFilterChoices { departments, locations: units.locations.clone() })
}
