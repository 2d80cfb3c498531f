//! Server function of the Audit log page.

use super::dto::{AuditFilter, AuditRow};
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// Audit events the signed-in admin may see, newest first.
#[server(endpoint = "list_audit_events")]
pub async fn list_audit_events(page: u64, #[server(default)] filter: AuditFilter) -> Result<Page<AuditRow>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::list_events(&state.db, &actor, &filter, page).await
    }.await)
}
