//! Listing people, scoped to what the acting admin administers.

use super::dto::UserRow;
use crate::domain::Role;
use crate::dto::{Page, PageAt};
use crate::error::AppError;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::unit_names;
use crate::ssr::entities::user;
use crate::ssr::pagination::{ListOrder, fetch_page};
use crate::policy::Scope;
use crate::ssr::Actor;
use crate::auth::throttle::locked_users;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Active users, by name, with whether each is locked out of signing in at `now`; a Quality or
/// HR Admin sees only their own department.
pub async fn list_users(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>, at: PageAt) -> Result<Page<UserRow>, AppError> {
    let scope = Scope::of(actor)?;
    let mut query = user::Entity::find().filter(user::Column::Status.eq(user::STATUS_ACTIVE));
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
                name: u.name,
                email: u.email,
                locked: locked.contains(&u.id),
                employee_number: u.employee_number,
                role,
            })
        })
        .collect()))
}
