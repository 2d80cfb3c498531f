use super::dto::{Unit, UnitKind};
use crate::error::AppError;
use leptos::prelude::*;

/// Departments or locations. Every admin may list the active ones (the Invite dialog offers
/// them); the Corporate Admin also sees archived ones.
#[server(endpoint = "list_units", output = crate::wire::Json)]
pub async fn list_units(kind: UnitKind) -> Result<Vec<Unit>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let with_archived = crate::policy::may_manage_units(actor.role);
        Ok(super::service::list_units(&state.db, kind, with_archived).await?)
    }.await)
}

#[server(endpoint = "add_unit", output = crate::wire::Json)]
pub async fn add_unit(kind: UnitKind, name: String) -> Result<Unit, AppError> {
    use crate::ssr::{require_actor, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_actor()?;
        super::service::add_unit_as(&state.db, &actor, kind, &name, state.clock.now()).await
    }.await)
}

#[server(endpoint = "rename_unit", output = crate::wire::Json)]
pub async fn rename_unit(kind: UnitKind, id: i32, name: String) -> Result<(), AppError> {
    use crate::ssr::{require_actor, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_actor()?;
        super::service::rename_unit(&state.db, &actor, kind, id, &name, state.clock.now()).await
    }.await)
}

#[server(endpoint = "set_unit_archived", output = crate::wire::Json)]
pub async fn set_unit_archived(kind: UnitKind, id: i32, archived: bool) -> Result<(), AppError> {
    use crate::ssr::{require_actor, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_actor()?;
        super::service::set_archived(&state.db, &actor, kind, id, archived, state.clock.now()).await
    }.await)
}
