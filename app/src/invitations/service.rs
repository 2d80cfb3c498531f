//! Reading invitations, scoped like the Users tab.

use super::dto::{InvitationRow, InvitationStatus};
use crate::domain::Role;
use crate::dto::Page;
use crate::error::AppError;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::unit_names;
use crate::ssr::entities::{invitation, user};
use crate::ssr::pagination::fetch_page;
use crate::ssr::{Actor, Scope};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// The status shown for a stored invitation at `now`: a pending one past its expiry is Expired.
pub fn status_at(invitation: &invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    match invitation.status.as_str() {
        "accepted" => InvitationStatus::Accepted,
        "revoked" => InvitationStatus::Revoked,
        _ if invitation.expires_at <= now => InvitationStatus::Expired,
        _ => InvitationStatus::Pending,
    }
}

/// Invitations newest first; a Quality or HR Admin sees only their own department's.
pub async fn list_invitations(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    page: u64,
) -> Result<Page<InvitationRow>, AppError> {
    let scope = Scope::of(actor)?;
    let mut query = invitation::Entity::find();
    if let Some(department) = scope.department() {
        query = query.filter(invitation::Column::DepartmentId.eq(department));
    }
    let query = query.order_by_desc(invitation::Column::CreatedAt).order_by_desc(invitation::Column::Id);
    let departments = unit_names(db, UnitKind::Department).await?;
    let locations = unit_names(db, UnitKind::Location).await?;
    let found = fetch_page(db, query, page).await?;
    let inviter_ids: Vec<i32> = found.items.iter().map(|i| i.invited_by).collect();
    let inviters: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(inviter_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(found.map(|rows| {
        rows.into_iter()
            .filter_map(|inv| {
                Some(InvitationRow {
                    id: inv.id,
                    invitee: inv.email.clone().or_else(|| inv.employee_number.clone())?,
                    role: Role::parse(&inv.role)?,
                    department: inv.department_id.and_then(|id| departments.get(&id).cloned()),
                    location: inv.location_id.and_then(|id| locations.get(&id).cloned()),
                    invited_by: inviters.get(&inv.invited_by).cloned().unwrap_or_default(),
                    sent_at: inv.created_at,
                    expires_at: inv.expires_at,
                    status: status_at(&inv, now),
                })
            })
            .collect()
    }))
}
