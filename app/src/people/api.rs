//! Server functions of the person page and of getting back in: thin adapters over the service.

use super::dto::{PersonActionDone, PersonDetails};
use crate::error::AppError;
use leptos::prelude::*;

/// Person `id` as the signed-in admin may see them.
#[server(endpoint = "person_details", output = crate::wire::Json)]
pub async fn fetch_person(id: i32) -> Result<PersonDetails, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::person_details(&state.db, &actor, state.clock.now(), id).await
    }.await)
}

/// Saves a person's role, department and location, if nobody changed them since `version`.
#[server(endpoint = "change_assignment", output = crate::wire::Json)]
pub async fn change_assignment(
    id: i32,
    version: i32,
    role: String,
    #[server(default)] department: String,
    #[server(default)] location: String,
) -> Result<(), AppError> {
    use super::service::{self, AssignmentChange};
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        use crate::organisation::dto::{DepartmentId, LocationId};
        let department_id = DepartmentId::parse_optional(&department)?.map(|d| d.0);
        let location_id = LocationId::parse_optional(&location)?.map(|l| l.0);
        let change = AssignmentChange { person_id: id, version, role, department_id, location_id };
        service::change_assignment(&state.db, &actor, state.clock.now(), change).await
    }.await)
}

/// One of the person page's Access buttons (`PersonAction::as_str`): deactivate, reactivate,
/// send a password reset, reset a PIN (answering the handout, shown once) or unlock.
#[server(endpoint = "person_action", output = crate::wire::Json)]
pub async fn person_action(id: i32, action: super::dto::PersonAction) -> Result<PersonActionDone, AppError> {
    use super::dto::PersonAction;
    use super::service;
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let (db, now) = (&state.db, state.clock.now());
        let handout = match action {
            PersonAction::Deactivate => service::deactivate(db, &actor, now, id).await.map(|()| None),
            PersonAction::Reactivate => service::reactivate(db, &actor, now, id).await.map(|()| None),
            PersonAction::SendPasswordReset => {
                service::send_password_reset(db, &actor, &state.settings, &state.outbox, now, id).await.map(|()| None)
            }
            PersonAction::ResetPin => service::reset_pin(db, &actor, &state.settings, now, id).await.map(Some),
            PersonAction::Unlock => service::unlock(db, &actor, id, now).await.map(|()| None),
        }?;
        Ok(PersonActionDone { message: action.done().to_owned(), handout })
    }.await)
}

/// "Forgot password?": always the same answer.
#[server(endpoint = "forgot_password", output = crate::wire::Json)]
pub async fn forgot_password(#[server(default)] email: String) -> Result<(), AppError> {
    use crate::ssr::{client_address, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let client = client_address(&state.settings)?;
        super::service::forgot_password(&state.db, &state.settings, &state.outbox, state.clock.now(), &client, &email).await
    }.await)
}

/// Whose password the reset link in this browser is for.
#[server(endpoint = "reset_link_details", output = crate::wire::Json)]
pub async fn reset_link_details() -> Result<String, AppError> {
    use crate::ssr::respond;
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        let token = super::service::reset_cookie(&parts.headers, &state.settings).ok_or(AppError::ResetLinkInvalid)?;
        super::service::reset_link_valid(&state.db, &token, state.clock.now()).await
    }.await)
}

/// Sets a new password from the reset link, signs in, and goes home.
#[server(endpoint = "reset_password", output = crate::wire::Json)]
pub async fn reset_password(#[server(default)] password: String, #[server(default)] password_confirmation: String) -> Result<String, AppError> {
    use crate::ssr::respond;
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        let token = super::service::reset_cookie(&parts.headers, &state.settings).ok_or(AppError::ResetLinkInvalid)?;
        let (person, session) = super::service::complete_password_reset(
            &state.db, &state.settings, state.clock.now(), &token, password, &password_confirmation,
        ).await?;
        ssr::signed_in(&person, &session, super::service::reset_clear_cookie(&state.settings)).await
    }.await)
}

/// Sets a new PIN from a PIN-reset handout, signs in, and goes home. An empty `setup_code`
/// means the one a QR link left in this browser.
#[server(endpoint = "complete_pin_reset", output = crate::wire::Json)]
pub async fn complete_pin_reset(
    #[server(default)] employee_number: String,
    #[server(default)] setup_code: String,
    #[server(default)] secret: String,
    #[server(default)] secret_confirmation: String,
) -> Result<String, AppError> {
    use crate::accept::service::{setup_cookie, setup_set_cookie};
    use crate::ssr::{client_address, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        let code = match setup_code.trim() {
            "" => setup_cookie(&parts.headers, &state.settings).unwrap_or_default(),
            _ => setup_code,
        };
        let client = client_address(&state.settings)?;
        let (person, session) = super::service::complete_pin_reset(
            &state.db, &state.settings, state.clock.now(), &client, &employee_number, &code, secret, &secret_confirmation,
        ).await?;
        ssr::signed_in(&person, &session, setup_set_cookie(None, &state.settings)).await
    }.await)
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::auth::service::{end_browser_session, session_set_cookie};
    use crate::error::AppError;
    use crate::ssr::entities::user;
    use crate::ssr::set_cookie;
    use crate::ssr::tokens::SecretToken;
    use crate::state::app_state;

    /// Signs `person` in on this browser (ending the session it held, as signing in does), drops
    /// the cookie that carried the secret, and sends them to where they land after signing in.
    pub async fn signed_in(person: &user::Model, session: &SecretToken, spent_cookie: String) -> Result<String, AppError> {
        let state = app_state()?;
        let parts: http::request::Parts = leptos::prelude::expect_context();
        end_browser_session(&state.db, &parts.headers, &state.settings).await?;
        set_cookie(session_set_cookie(session, &state.settings))?;
        set_cookie(spent_cookie)?;
        let home = person.role.home_path();
        leptos_axum::redirect(home);
        Ok(home.to_owned())
    }
}
