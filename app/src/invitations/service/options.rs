//! What the Invite dialog may offer.

use super::rate_limit::remaining_this_hour;
use crate::error::AppError;
use crate::invitations::dto::InviteChoices;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::list_units;
use crate::ssr::{Actor, Scope, Settings};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// Active departments and locations, the admin's fixed department if they have one, and how
/// many invitations they have left this hour.
pub async fn invite_options(db: &impl ConnectionTrait, actor: &Actor, settings: &Settings, now: DateTime<Utc>) -> Result<InviteChoices, AppError> {
    let scope = Scope::of(actor)?;
    let departments = list_units(db, UnitKind::Department, false).await?;
    let fixed_department = scope
        .department()
        .and_then(|own| departments.iter().find(|d| d.id == own).cloned());
    Ok(InviteChoices {
        departments: if fixed_department.is_some() { Vec::new() } else { departments },
        locations: list_units(db, UnitKind::Location, false).await?,
        fixed_department,
        remaining_this_hour: remaining_this_hour(db, actor.user_id, now, settings.invite_rate_limit).await?,
        hourly_limit: settings.invite_rate_limit,
    })
}
