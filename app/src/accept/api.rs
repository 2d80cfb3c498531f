//! Server functions of the invitation and setup pages: thin adapters over the service.

use super::dto::{InvitationPage, SetupPageInfo};
use crate::error::AppError;
use leptos::prelude::*;

/// What the invitation page shows for the token this browser holds.
#[server(endpoint = "invitation_details", output = crate::wire::Json)]
pub async fn invitation_details() -> Result<InvitationPage, AppError> {
    use crate::accept::service;
    use crate::ssr::{respond, viewer};
    use crate::state::app_state;
    respond(async {
        if let Some(actor) = viewer()? {
            return Ok(InvitationPage::SignedIn { name: actor.name });
        }
        let state = app_state()?;
        let (_, details) = service::open_invitation(&state.db, &state.settings, &ssr::token(&state.settings)?, state.clock.now()).await?;
        Ok(InvitationPage::Open(details))
    }.await)
}

/// Completes sign-up: sets the password and profile, signs the new user in and sends them to
/// their profile. A submission with fields the form does not have (anything outside
/// [`ACCEPT_FIELDS`](super::dto::ACCEPT_FIELDS)) is refused by the server before it gets here.
#[server(endpoint = "accept_invitation", output = crate::wire::Json)]
pub async fn accept_invitation(
    #[server(default)] password: String,
    #[server(default)] password_confirmation: String,
    #[server(default)] first_name: String,
    #[server(default)] last_name: String,
    #[server(default)] job_title: String,
    #[server(default)] phone: String,
    #[server(default)] language: String,
) -> Result<String, AppError> {
    use crate::accept::{dto::AcceptForm, service};
    use crate::ssr::respond;
    use crate::state::app_state;
    respond(async {
        ssr::refuse_if_signed_in()?;
        let state = app_state()?;
        let form = AcceptForm { password, password_confirmation, first_name, last_name, job_title, phone, language };
        let (_, session) = service::accept(&state.db, &state.settings, state.clock.now(), &ssr::token(&state.settings)?, form).await?;
        ssr::welcome(&session, service::invitation_clear_cookie(&state.settings), &state.settings)
    }.await)
}

/// What the shop-floor setup page shows.
#[server(endpoint = "setup_page_state", output = crate::wire::Json)]
pub async fn setup_page_state() -> Result<SetupPageInfo, AppError> {
    use crate::ssr::{respond, viewer};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        Ok(SetupPageInfo {
            signed_in_as: viewer()?.map(|actor| actor.name),
            code_from_link: crate::accept::service::setup_cookie(&parts.headers, &state.settings).is_some(),
        })
    }.await)
}

/// Completes a shop-floor worker's sign-up from their handout, signs them in and sends them to
/// their profile. An empty `setup_code` means the one a QR link left in this browser.
#[server(endpoint = "complete_setup", output = crate::wire::Json)]
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
    use crate::accept::{dto::SetupForm, service};
    use crate::ssr::{client_address, respond};
    use crate::state::app_state;
    respond(async {
        ssr::refuse_if_signed_in()?;
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        let setup_code = match setup_code.trim() {
            "" => service::setup_cookie(&parts.headers, &state.settings).unwrap_or_default(),
            _ => setup_code,
        };
        let form = SetupForm {
            employee_number, setup_code, secret, secret_confirmation, first_name, last_name, job_title, phone, language,
        };
        let client = client_address(&state.settings)?;
        let (_, session) = service::complete_setup(&state.db, &state.settings, state.clock.now(), &client, form).await?;
        ssr::welcome(&session, service::setup_set_cookie(None, &state.settings), &state.settings)
    }.await)
}

/// What the pages' server functions share.
#[cfg(feature = "ssr")]
mod ssr {
    use crate::accept::service;
    use crate::auth::service::session_set_cookie;
    use crate::error::AppError;
    use crate::ssr::tokens::SecretToken;
    use crate::ssr::{Settings, set_cookie, viewer};
    use leptos::prelude::expect_context;

    /// The invitation token this browser holds from a link.
    pub fn token(settings: &Settings) -> Result<String, AppError> {
        let parts: http::request::Parts = expect_context();
        service::invitation_cookie(&parts.headers, settings).ok_or(AppError::InvitationLinkInvalid)
    }

    /// A new account is never made from a browser someone is signed in on.
    pub fn refuse_if_signed_in() -> Result<(), AppError> {
        match viewer()? {
            Some(actor) => Err(AppError::Invalid(format!(
                "You are signed in as {}. Sign out first, then open the invitation link again.",
                actor.name
            ))),
            None => Ok(()),
        }
    }

    /// Signs the new user in, drops the cookie that carried their token or code, and sends them
    /// to their profile.
    pub fn welcome(session: &SecretToken, spent_cookie: String, settings: &Settings) -> Result<String, AppError> {
        set_cookie(session_set_cookie(session, settings))?;
        set_cookie(spent_cookie)?;
        leptos_axum::redirect("/profile");
        Ok("/profile".to_owned())
    }
}
