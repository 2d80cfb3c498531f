//! Server functions of the invitation page: thin adapters over the service.

use super::dto::{InvitationPage, SetupPageInfo};
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

/// What the shop-floor setup page shows.
#[server(endpoint = "setup_page_state")]
pub async fn setup_page_state() -> Result<SetupPageInfo, AppError> {
    crate::ssr::respond(ssr::setup_state_inner().await)
}

/// Completes a shop-floor worker's sign-up from their handout, signs them in and sends them to
/// their profile. An empty `setup_code` means the one a QR link left in this browser.
#[server(endpoint = "complete_setup")]
pub async fn complete_setup(
    #[server(default)] employee_number: String,
    #[server(default)] setup_code: String,
    #[server(default)] secret: String,
    #[server(default)] secret_confirmation: String,
    #[server(default)] first_name: String,
    #[server(default)] last_name: String,
    #[server(default)] job_title: String,
    #[server(default)] phone: String,
    #[server(default)] language: String,
) -> Result<String, AppError> {
    let form = super::dto::SetupForm {
        employee_number,
        setup_code,
        secret,
        secret_confirmation,
        first_name,
        last_name,
        job_title,
        phone,
        language,
    };
    crate::ssr::respond(ssr::setup_inner(form).await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::accept::dto::AcceptForm;
    use crate::accept::service;
    use crate::auth::service::session_set_cookie;
    use crate::ssr::tokens::SecretToken;
    use crate::ssr::{Settings, app_state, set_cookie, viewer};

    fn token() -> Result<String, AppError> {
        let parts: http::request::Parts = expect_context();
        service::invitation_cookie(&parts.headers).ok_or(AppError::InvitationLinkInvalid)
    }

    /// Signs the new user in, drops the cookie that carried their token or code, and sends them
    /// to their profile.
    fn welcome(session: &SecretToken, spent_cookie: String, settings: &Settings) -> Result<String, AppError> {
        set_cookie(session_set_cookie(session, settings))?;
        set_cookie(spent_cookie)?;
        leptos_axum::redirect("/profile");
        Ok("/profile".to_owned())
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
        welcome(&session, service::invitation_clear_cookie(&state.settings), &state.settings)
    }

    pub async fn setup_state_inner() -> Result<SetupPageInfo, AppError> {
        let parts: http::request::Parts = expect_context();
        Ok(SetupPageInfo {
            signed_in_as: viewer()?.map(|actor| actor.name),
            code_from_link: service::setup_cookie(&parts.headers).is_some(),
        })
    }

    pub async fn setup_inner(mut form: crate::accept::dto::SetupForm) -> Result<String, AppError> {
        if let Some(actor) = viewer()? {
            return Err(signed_in_elsewhere(&actor.name));
        }
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        if form.setup_code.trim().is_empty() {
            form.setup_code = service::setup_cookie(&parts.headers).unwrap_or_default();
        }
        let client = crate::ssr::client_address()?;
        let (_, session) = service::complete_setup(&state.db, &state.settings, state.clock.now(), &client, form).await?;
        welcome(&session, service::setup_set_cookie(None, &state.settings), &state.settings)
    }
}
