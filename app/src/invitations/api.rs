use super::dto::InvitationRow;
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// Invitations the signed-in admin may see, newest first, one page at a time.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations(page: u64) -> Result<Page<InvitationRow>, AppError> {
    use crate::ssr::{app_state, require_admin, respond};
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::list_invitations(&state.db, &actor, state.clock.now(), page).await
    }.await)
}
