//! Listing people, scoped to what the acting admin administers.

use super::dto::UserRow;
use crate::domain::Role;
use crate::dto::{PAGE_SIZE, Page};
use crate::error::AppError;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::unit_names;
use crate::ssr::entities::user;
use crate::ssr::{Actor, Scope};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

/// Active users, by name; a Quality or HR Admin sees only their own department.
pub async fn list_users(db: &impl ConnectionTrait, actor: &Actor, page: u64) -> Result<Page<UserRow>, AppError> {
    let scope = Scope::of(actor)?;
    let mut query = user::Entity::find().filter(user::Column::Status.eq(user::STATUS_ACTIVE));
    if let Some(department) = scope.department() {
        query = query.filter(user::Column::DepartmentId.eq(department));
    }
    let paginator = query
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .paginate(db, PAGE_SIZE);
    let counts = paginator.num_items_and_pages().await?;
    let page = page.clamp(1, counts.number_of_pages.max(1));
    let users = paginator.fetch_page(page - 1).await?;
    let departments = unit_names(db, UnitKind::Department).await?;
    let locations = unit_names(db, UnitKind::Location).await?;
    let items = users
        .into_iter()
        .filter_map(|u| {
            let role = Role::parse(&u.role)?;
            Some(UserRow {
                id: u.id,
                department: u.department_id.and_then(|id| departments.get(&id).cloned()),
                location: u.location_id.and_then(|id| locations.get(&id).cloned()),
                name: u.name,
                email: u.email,
                employee_number: u.employee_number,
                role,
            })
        })
        .collect();
    Ok(Page { items, page, pages: counts.number_of_pages.max(1), total: counts.number_of_items })
}
