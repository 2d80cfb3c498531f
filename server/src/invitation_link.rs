//! `/invitation/{token}`, the link in the email, and `/setup/{code}`, the QR code on a
//! shop-floor handout.
//!
//! Opening it never uses the invitation up (mail scanners open links too, with GET and HEAD):
//! it only moves the token into a short-lived HttpOnly cookie and redirects to `/invitation`,
//! so the token leaves the address bar and browser history at once. Nothing is looked up here:
//! every token, good or bad, gets the same answer.

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
