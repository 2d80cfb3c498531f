//! Request layers: who is signed in, and refusing cross-site writes.

use app::auth::service::{resolve_session, session_cookie};
use app::organisation::service::RequestUnits;
use app::ssr::{Viewer, ViewerRow};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};
use url::Url;

/// Resolves the session cookie once per request into a [`Viewer`] extension that pages and
/// server functions read (with the person's row as a [`ViewerRow`]), and gives the request an
/// empty [`RequestUnits`] to keep the units it reads.
pub async fn resolve_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/");
    let mut viewer = Viewer(None);
    if !static_file && let Some(raw) = session_cookie(req.headers(), &state.settings) {
        match resolve_session(&state.db, &raw, state.clock.now()).await {
            Ok(Some((actor, row))) => {
                viewer = Viewer(Some(actor));
                req.extensions_mut().insert(ViewerRow(row));
            }
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, "could not resolve session");
                return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side. Please try again.")
                    .into_response();
            }
        }
    }
    req.extensions_mut().insert(viewer);
    req.extensions_mut().insert(state);
    req.extensions_mut().insert(RequestUnits::default());
    next.run(req).await
}

/// Refuses state-changing requests that a browser marks as coming from another site.
///
/// `Sec-Fetch-Site` decides when present; otherwise `Origin` must match the public URL or the
/// Host the request was sent to. Requests with neither header are not from a browser page, and
/// carry no ambient cookies an attacker could borrow.
pub async fn refuse_cross_site(State(public_url): State<Url>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let text = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
    let allowed = match (text("sec-fetch-site"), text(header::ORIGIN.as_str())) {
        (Some(site), _) => matches!(site, "same-origin" | "none"),
        (None, Some(origin)) => {
            let own = public_url.origin().ascii_serialization();
            let host = text(header::HOST.as_str());
            origin == own
                || host.is_some_and(|h| origin == format!("http://{h}") || origin == format!("https://{h}"))
        }
        (None, None) => true,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site requests are not allowed.").into_response()
    }
}

/// Server-function errors raised by the framework itself (arguments that do not decode, a
/// repeated field) come back as 500; this gives them the status their `AppError` names.
pub async fn error_status(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::error::AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(err.status_code())
    {
        parts.status = status;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Pages and answers that carry a secret: the invitation, setup and reset pages (in the path,
/// then in a cookie), the captured mail (working links), and the answers that hand out a shop-floor
/// setup code. They send no `Referer` anywhere, are never cached or compressed
/// (`crate::assets`), and may load nothing from other origins.
pub async fn secret_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let sensitive = ["/invitation", "/setup", "/mail", "/reset", "/reset-password", "/new-pin"].iter().any(|page| path == *page || path.starts_with(&format!("{page}/")))
        || SECRET_ANSWERS.contains(&path);
    let mut response = next.run(req).await;
    if sensitive {
        response.extensions_mut().insert(crate::assets::NotCompressed);
        let headers = response.headers_mut();
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        // A page may have set a stricter one (with its script nonce).
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
            && let Ok(policy) = HeaderValue::from_str(&app::ssr::csp::same_origin_only(None))
        {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

/// Server functions whose answer holds a secret (a one-time password, a setup code).
const SECRET_ANSWERS: [&str; 8] = [
    "/api/accept_invitation",
    "/api/complete_setup",
    "/api/invite_shop_floor",
    "/api/resend_invitation",
    "/api/person_action",
    "/api/reset_password",
    "/api/complete_pin_reset",
    "/api/print_handouts",
];

/// Forms whose server function must refuse fields it does not have (so nothing can be smuggled
/// in beside them), with the fields each takes.
const CLOSED_FORMS: [(&str, &[&str]); 2] = [
    ("/api/accept_invitation", &app::accept::dto::ACCEPT_FIELDS),
    ("/api/complete_setup", &app::accept::dto::SETUP_FIELDS),
];

/// Refuses a submission to a closed form that carries any field the form does not have, with
/// the same kind of error the server function gives for a malformed request.
pub async fn refuse_unknown_fields(req: Request, next: Next) -> Response {
    let Some((_, allowed)) = CLOSED_FORMS.iter().find(|(path, _)| *path == req.uri().path()) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response();
    };
    let unknown = url::form_urlencoded::parse(&bytes).map(|(name, _)| name).find(|name| !allowed.contains(&name.as_ref()));
    if let Some(name) = unknown {
        let error = app::error::AppError::Invalid(format!("The request was not valid: unknown field `{name}`."));
        let body = serde_json::to_string(&error).unwrap_or_default();
        return (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// The server functions that take a file upload: anything but a multipart body with a boundary
/// is refused here, before the framework reads it.
const UPLOAD_PATHS: [&str; 2] = ["/api/preview_import", "/api/start_import"];

/// Refuses an upload whose body is not `multipart/form-data` with a boundary (400).
pub async fn require_multipart(req: Request, next: Next) -> Response {
    if !UPLOAD_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let is_multipart = content_type.to_ascii_lowercase().starts_with("multipart/form-data") && content_type.contains("boundary=");
    if req.method() == Method::POST && is_multipart {
        return next.run(req).await;
    }
    let error = app::error::AppError::Invalid("Upload the file as a form (multipart/form-data).".into());
    let body = serde_json::to_string(&error).unwrap_or_default();
    (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
