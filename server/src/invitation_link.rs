//! `/invitation/{token}`, the link in the email, `/setup/{code}`, the QR code on a shop-floor
//! handout, and their twins for getting back into an account: `/reset/{token}` (password-reset
//! email) and `/new-pin/{code}` (PIN-reset handout).
//!
//! Opening it never uses the invitation up (mail scanners open links too, with GET and HEAD):
//! it only moves the token into a short-lived HttpOnly cookie and redirects to `/invitation`,
//! so the token leaves the address bar and browser history at once. Nothing is looked up here:
//! every token, good or bad, gets the same answer.

use app::people::service::{reset_clear_cookie, reset_set_cookie};
use app::accept::service::{invitation_clear_cookie, invitation_set_cookie, looks_like_token, setup_set_cookie};
use app::domain::setup_code::normalise_typed;
use app::ssr::Settings;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{HeaderValue, StatusCode, header};
use std::sync::Arc;

pub fn routes(settings: Arc<Settings>) -> Router {
    Router::new()
        .route("/invitation/{token}", get(follow_link))
        .route("/setup/{code}", get(follow_setup_link))
        .route("/reset/{token}", get(follow_reset_link))
        .route("/new-pin/{code}", get(follow_new_pin_link))
        .with_state(settings)
}

fn see_other(to: &'static str, cookie: &str) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `/setup/{code}`, the QR code on a shop-floor handout: the same treatment, into `/setup`.
async fn follow_setup_link(State(settings): State<Arc<Settings>>, Path(code): Path<String>) -> Response {
    let code = normalise_typed(&code);
    see_other("/setup", &setup_set_cookie(code.as_deref(), &settings))
}

async fn follow_link(State(settings): State<Arc<Settings>>, Path(token): Path<String>) -> Response {
    let cookie = if looks_like_token(&token) {
        invitation_set_cookie(&token, &settings)
    } else {
        invitation_clear_cookie(&settings)
    };
    see_other("/invitation", &cookie)
}

/// `/reset/{token}`, the link in a password-reset email: into `/reset-password`.
async fn follow_reset_link(State(settings): State<Arc<Settings>>, Path(token): Path<String>) -> Response {
    let cookie = if looks_like_token(&token) { reset_set_cookie(&token, &settings) } else { reset_clear_cookie(&settings) };
    see_other("/reset-password", &cookie)
}

/// `/new-pin/{code}`, the QR code on a PIN-reset handout: into `/new-pin`.
async fn follow_new_pin_link(State(settings): State<Arc<Settings>>, Path(code): Path<String>) -> Response {
    let code = normalise_typed(&code);
    see_other("/new-pin", &setup_set_cookie(code.as_deref(), &settings))
}
