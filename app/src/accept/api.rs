//! Server functions of the invitation page: thin adapters over the service.

use super::dto::InvitationPage;
use crate::error::AppError;
use leptos::prelude::*;

/// What the invitation page shows for the token this browser holds.
#[server(endpoint = "invitation_details")]
pub async fn invitation_details() -> Result<InvitationPage, AppError> {
    crate::ssr::respond(ssr::details_inner().await)
}

/// Completes sign-up: sets the password and profile, signs the new user in and sends them to
/// their profile. A submission with fields the form does not have (anything outside
/// [`ACCEPT_FIELDS`](super::dto::ACCEPT_FIELDS)) is refused by the server before it gets here.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    #[server(default)] password: String,
    #[server(default)] password_confirmation: String,
    #[server(default)] first_name: String,
    #[server(default)] last_name: String,
    #[server(default)] job_title: String,
    #[server(default)] phone: String,
    #[server(default)] language: String,
) -> Result<String, AppError> {
    let form = super::dto::AcceptForm { password, password_confirmation, first_name, last_name, job_title, phone, language };
    crate::ssr::respond(ssr::accept_inner(form).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::accept::dto::AcceptForm;
    use crate::accept::service;
    use crate::auth::service::session_set_cookie;
    use crate::ssr::{app_state, set_cookie, viewer};

    fn token() -> Result<String, AppError> {
        let parts: http::request::Parts = expect_context();
        service::invitation_cookie(&parts.headers).ok_or(AppError::InvitationLinkInvalid)
    }

    fn signed_in_elsewhere(name: &str) -> AppError {
        AppError::Invalid(format!(
            "You are signed in as {name}. Sign out first, then open the invitation link again."
        ))
    }

    pub async fn details_inner() -> Result<InvitationPage, AppError> {
        if let Some(actor) = viewer()? {
            return Ok(InvitationPage::SignedIn { name: actor.name });
        }
        let state = app_state()?;
        let (_, details) = service::open_invitation(&state.db, &state.settings, &token()?, state.clock.now()).await?;
        Ok(InvitationPage::Open(details))
    }

    pub async fn accept_inner(form: AcceptForm) -> Result<String, AppError> {
        if let Some(actor) = viewer()? {
            return Err(signed_in_elsewhere(&actor.name));
        }
        let state = app_state()?;
        let (_, session) = service::accept(&state.db, &state.settings, state.clock.now(), &token()?, form).await?;
        set_cookie(session_set_cookie(&session, &state.settings))?;
        set_cookie(service::invitation_clear_cookie(&state.settings))?;
        leptos_axum::redirect("/profile");
        Ok("/profile".to_owned())
    }
}
