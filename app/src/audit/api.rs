//! Server function of the Audit log page.

use super::dto::{AuditFilter, AuditRow};
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// Audit events the signed-in admin may see, newest first.
#[server(endpoint = "list_audit_events", output = crate::wire::Json)]
pub async fn list_audit_events(
    #[server(default)] after: Option<i32>,
    #[server(default)] before: Option<i32>,
    #[server(default)] filter: AuditFilter,
) -> Result<Page<AuditRow>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::list_events(&state.db, &actor, &filter, crate::dto::PageAt::from_params(after, before)).await
    }.await)
}
