//! Server functions of the Invite dialog and the Invitations tab: thin adapters over the service.

use super::dto::{Handout, InvitationRow, InvitationStatus, InviteChoices};
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// Invitations the signed-in admin may see, newest first, with `status` or of every status.
#[server(endpoint = "list_invitations", output = crate::wire::Json)]
pub async fn list_invitations(
    #[server(default)] after: Option<i32>,
    #[server(default)] before: Option<i32>,
    #[server(default)] status: Option<InvitationStatus>,
) -> Result<Page<InvitationRow>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let at = crate::dto::PageAt::from_params(after, before);
        super::service::list_invitations(&state.db, &actor, state.clock.now(), status, at).await
    }.await)
}

/// What the Invite dialog offers this admin, and how many invitations they have left.
#[server(endpoint = "invite_options", output = crate::wire::Json)]
pub async fn invite_options() -> Result<InviteChoices, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::invite_options(&state.db, &actor, &state.settings, state.clock.now()).await
    }.await)
}

/// Sends an email invitation; answers the address it went to.
#[server(endpoint = "send_invitation", output = crate::wire::Json)]
pub async fn send_invitation(
    email: String,
    #[server(default)] role: String,
    #[server(default)] department: String,
    #[server(default)] location: String,
) -> Result<String, AppError> {
    use crate::organisation::dto::{DepartmentId, LocationId};
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let (department_id, location_id) = (DepartmentId::parse_optional(&department)?, LocationId::parse_optional(&location)?);
        let input = super::service::EmailInvite { email, role, department_id, location_id };
        let now = state.clock.now();
        let writer = crate::ssr::request_extension::<super::service::InvitationWriter>()?;
        let (_, address) = super::service::send_email_invitation(&state.db, &writer, &actor, now, input).await?;
        Ok(address)
    }.await)
}

/// Invites a shop-floor worker (no email) and answers their one-time handout.
#[server(endpoint = "invite_shop_floor", output = crate::wire::Json)]
pub async fn invite_shop_floor(
    #[server(default)] first_name: String,
    #[server(default)] last_name: String,
    #[server(default)] employee_number: String,
    #[server(default)] role: String,
    #[server(default)] department: String,
    #[server(default)] location: String,
) -> Result<Handout, AppError> {
    use crate::organisation::dto::{DepartmentId, LocationId};
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let (department_id, location_id) = (DepartmentId::parse_optional(&department)?, LocationId::parse_optional(&location)?);
        let input = super::service::ShopFloorInvite { first_name, last_name, employee_number, role, department_id, location_id };
        super::service::invite_shop_floor(&state.db, &actor, &state.settings, state.clock.now(), input).await
    }.await)
}

/// Resends an invitation not yet accepted; a shop-floor one answers its new handout.
#[server(endpoint = "resend_invitation", output = crate::wire::Json)]
pub async fn resend_invitation(id: i32) -> Result<Option<Handout>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::resend(&state.db, &actor, &state.settings, &state.outbox, state.clock.now(), id).await
    }.await)
}

/// Revokes an invitation not yet accepted.
#[server(endpoint = "revoke_invitation", output = crate::wire::Json)]
pub async fn revoke_invitation(id: i32) -> Result<(), AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::revoke(&state.db, &actor, state.clock.now(), id).await
    }.await)
}
