//! Server functions for signing in and out.

use super::CurrentUser;
use crate::error::AppError;
use leptos::prelude::*;

/// Signs in and answers with the path to go to.
#[server(endpoint = "sign_in", output = crate::wire::Json)]
pub async fn sign_in(email: String, password: String) -> Result<String, AppError> {
    use crate::auth::{service, throttle};
    use crate::ssr::{client_address, respond, set_cookie};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let client = client_address(&state.settings)?;
        let now = state.clock.now();
        let user = throttle::sign_in(&state.db, &email, password, &client, now, &state.decoy_hash).await?;
        let actor = service::actor_of(&user);
        let parts: http::request::Parts = expect_context();
        service::end_browser_session(&state.db, &parts.headers, &state.settings).await?;
        let token = service::start_session(&state.db, user.id, now, &state.settings).await?;
        set_cookie(service::session_set_cookie(&token, &state.settings))?;
        tracing::info!(user_id = user.id, "signed in");
        let home = actor.role.home_path();
        leptos_axum::redirect(home);
        Ok(home.to_owned())
    }.await)
}

/// Pages a sign-out may return to; anything else goes to the sign-in page.
pub const SIGN_OUT_RETURNS: [&str; 2] = ["/invitation", "/setup"];

/// Ends the current session, then goes to `next` if it is one of [`SIGN_OUT_RETURNS`].
#[server(endpoint = "sign_out", output = crate::wire::Json)]
pub async fn sign_out(#[server(default)] next: String) -> Result<(), AppError> {
    use crate::auth::service;
    use crate::ssr::{respond, set_cookie};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let parts: http::request::Parts = expect_context();
        if let Some(raw) = service::session_cookie(&parts.headers, &state.settings) {
            service::end_session(&state.db, &raw).await?;
        }
        set_cookie(service::session_clear_cookie(&state.settings))?;
        let to = SIGN_OUT_RETURNS.into_iter().find(|allowed| *allowed == next).unwrap_or("/sign-in");
        leptos_axum::redirect(to);
        Ok(())
    }.await)
}

/// The signed-in person, or `None` when nobody is signed in.
#[server(endpoint = "get_current_user", output = crate::wire::Json)]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::ssr::{respond, viewer_with_row};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        match viewer_with_row()? {
            Some((actor, row)) => Ok(Some(crate::auth::service::current_user(&state.db, &actor, &row).await?)),
            None => Ok(None),
        }
    }.await)
}
