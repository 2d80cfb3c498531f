//! Reading invitations, scoped like the Users tab.

use crate::dto::{Page, PageAt};
use crate::error::AppError;
use crate::invitations::dto::{Delivery, InvitationRow, InvitationStatus};
use crate::organisation::dto::UnitKind;
use crate::organisation::service::units_of_request;
use crate::policy::Scope;
use crate::ssr::Actor;
use crate::ssr::entities::{invitation, outbox};
use crate::ssr::models::user::names;
use crate::ssr::models::invitation::{expire_due, identity, shown_as, status_at};
use crate::ssr::entities::invitation::Status;
use crate::ssr::pagination::{Counting, ListOrder, fetch_page};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};

/// The delivery state of each invitation's newest email, and which invitations have had their
/// reminder sent. Read by invitation (an index), with the newest picked here: asked to order by
/// id, PostgreSQL may walk the whole outbox in id order instead. Only the four columns this
/// needs are read: a whole outbox row (its times, its address, its error) cost about as much to
/// decode as the invitation it belongs to (bench/README.md, "Lists at 100k rows").
async fn deliveries(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<(HashMap<i32, Delivery>, HashSet<i32>), sea_orm::DbErr> {
    let rows: Vec<(i32, Option<i32>, outbox::Status, bool)> = outbox::Entity::find()
        .select_only()
        .columns([outbox::Column::Id, outbox::Column::InvitationId, outbox::Column::Status, outbox::Column::Reminder])
        .filter(outbox::Column::InvitationId.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    let mut newest: HashMap<i32, (i32, outbox::Status)> = HashMap::new();
    let mut reminded = HashSet::new();
    for (id, invitation, status, reminder) in rows {
        let Some(invitation) = invitation else { continue };
        if reminder {
            if status == outbox::Status::Sent {
                reminded.insert(invitation);
            }
            continue;
        }
        if newest.get(&invitation).is_none_or(|(kept, _)| *kept < id) {
            newest.insert(invitation, (id, status));
        }
    }
    let delivery = newest
        .into_iter()
        .map(|(invitation, (_, status))| {
            let state = match status {
                outbox::Status::Sent => Delivery::Sent,
                outbox::Status::Retrying => Delivery::Retrying,
                outbox::Status::Failed => Delivery::Failed,
                outbox::Status::Cancelled => Delivery::Cancelled,
                outbox::Status::Queued | outbox::Status::Sending => Delivery::Queued,
            };
            (invitation, state)
        })
        .collect();
    Ok((delivery, reminded))
}

/// The status the Invitations tab shows for stored invitation `inv` at `now`.
pub fn shown_status(inv: &invitation::Model, now: DateTime<Utc>) -> InvitationStatus {
    match status_at(inv, now) {
        Status::Pending => InvitationStatus::Pending,
        Status::Accepted => InvitationStatus::Accepted,
        Status::Expired => InvitationStatus::Expired,
        Status::Revoked => InvitationStatus::Revoked,
    }
}

/// The stored status the tab's `status` filter reads.
fn stored(status: InvitationStatus) -> Status {
    match status {
        InvitationStatus::Pending => Status::Pending,
        InvitationStatus::Accepted => Status::Accepted,
        InvitationStatus::Expired => Status::Expired,
        InvitationStatus::Revoked => Status::Revoked,
    }
}

/// Invitations newest first, optionally of one status; a Quality or HR Admin sees only their
/// own department's. Asked for the expired ones, first marks those that have run out.
pub async fn list_invitations(
    db: &impl ConnectionTrait,
    actor: &Actor,
    now: DateTime<Utc>,
    status: Option<InvitationStatus>,
    at: PageAt,
) -> Result<Page<InvitationRow>, AppError> {
    let scope = Scope::of(actor)?;
    if status == Some(InvitationStatus::Expired) {
        // Housekeeping marks run-out invitations every few minutes; the ones since then are
        // marked here, so the filter is exact (and usually finds none to mark).
        expire_due(db, now).await?;
    }
    let mut query = invitation::Entity::find();
    if let Some(status) = status {
        query = query.filter(shown_as(stored(status), now));
    }
    if let Some(department) = scope.department() {
        query = query.filter(invitation::Column::DepartmentId.eq(department));
    }
    let order = ListOrder { key: invitation::Column::CreatedAt, id: invitation::Column::Id, descending: true };
    let units = units_of_request(db).await?;
    let (departments, locations) = (units.names(UnitKind::Department), units.names(UnitKind::Location));
    let found = fetch_page(db, query, order, at, Counting::Apart).await?;
    let inviter_ids: Vec<i32> = found.items.iter().map(|i| i.invited_by).collect();
    let (delivery, reminded) = deliveries(db, found.items.iter().map(|i| i.id).collect()).await?;
    let inviters = names(db, inviter_ids).await?;
    Ok(found.map(|rows| {
        rows.into_iter()
            .filter_map(|inv| {
                Some(InvitationRow {
                    id: inv.id,
                    known_by: inv.kind,
                    invitee: identity(&inv).ok()?.as_str().to_owned(),
                    role: inv.role,
                    department: inv.department_id.and_then(|id| departments.get(&id).cloned()),
                    location: inv.location_id.and_then(|id| locations.get(&id).cloned()),
                    invited_by: inviters.get(&inv.invited_by).cloned().unwrap_or_default(),
                    sent_at: inv.created_at.into(),
                    expires_at: inv.expires_at.into(),
                    status: shown_status(&inv, now),
                    delivery: delivery.get(&inv.id).copied(),
                    reminded: reminded.contains(&inv.id),
                })
            })
            .collect()
    }))
}
