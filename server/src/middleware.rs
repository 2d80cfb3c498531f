//! Request layers: who is signed in, and refusing cross-site writes.

use app::auth::service::{resolve_session, session_cookie};
use app::organisation::service::RequestUnits;
use app::ssr::{Viewer, ViewerRow};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};
use std::sync::atomic::{AtomicU64, Ordering};
use tracing::Instrument;
use url::Url;

/// Numbers requests in this process, so the lines one request logs can be told apart from
/// another's running at the same time.
static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Runs each request (static files aside) inside a `request` span naming its number, method
/// and path; [`resolve_viewer`] adds the signed-in person's id as `actor`. Every line logged
/// while the request is served, by the page, its server functions and the services they call,
/// carries these fields, so one request can be followed in the log.
pub async fn request_span(req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    let id = NEXT_REQUEST.fetch_add(1, Ordering::Relaxed);
    let span = tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path(), actor = tracing::field::Empty);
    next.run(req).instrument(span).await
}

/// Resolves the session cookie once per request into a [`Viewer`] extension that pages and
/// server functions read (with the person's row as a [`ViewerRow`]), and gives the request an
/// empty [`RequestUnits`] to keep the units it reads.
pub async fn resolve_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let static_file = req.uri().path().starts_with("/pkg/");
    let mut viewer = Viewer(None);
    if !static_file && let Some(raw) = session_cookie(req.headers(), &state.settings) {
        match resolve_session(&state.db, &raw, state.clock.now()).await {
            Ok(Some((actor, row))) => {
                tracing::Span::current().record("actor", actor.user_id);
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

/// The server functions that take a file upload: anything but a multipart body with a valid
/// boundary is refused here, before the framework reads it, and the body may not pass
/// [`MAX_UPLOAD_REQUEST`].
const UPLOAD_PATHS: [&str; 2] = ["/api/preview_import", "/api/start_import"];

/// The largest upload request: the largest file, and room for the parts' headers and the
/// digest. The framework streams a multipart body to the server function without the body
/// limit every other request has, so this is where it is bounded.
pub const MAX_UPLOAD_REQUEST: usize = app::imports::service::sheet::MAX_BYTES + 64 * 1024;

fn refusal(status: StatusCode, message: &str) -> Response {
    let body = serde_json::to_string(&app::error::AppError::Invalid(message.to_owned())).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Whether `content_type` is `multipart/form-data` with a boundary the multipart reader
/// accepts (1 to 70 characters, RFC 2046): a malformed one made the framework panic.
fn is_upload_form(content_type: &str) -> bool {
    multer::parse_boundary(content_type).is_ok_and(|b| (1..=70).contains(&b.len()))
}

/// Refuses an upload that is not `multipart/form-data` with a valid boundary (400) or that is
/// larger than [`MAX_UPLOAD_REQUEST`] (413, at once when it says so, else when it gets there).
pub async fn guard_upload(req: Request, next: Next) -> Response {
    if !UPLOAD_PATHS.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if req.method() != Method::POST || !is_upload_form(content_type) {
        return refusal(StatusCode::BAD_REQUEST, "Upload the file as a form (multipart/form-data).");
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_REQUEST as u64) {
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, "The file is larger than 5 MB: split it into smaller files.");
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, MAX_UPLOAD_REQUEST));
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::is_upload_form;

    #[test]
    fn only_a_multipart_form_with_a_valid_boundary_is_an_upload() {
        assert!(is_upload_form("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"));
        assert!(is_upload_form("multipart/form-data; boundary=\"quoted boundary\""));
        for refused in [
            "multipart/form-data; xboundary=1",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/mixed; boundary=abc",
            "text/plain; boundary=abc",
            "multipart/form-data; boundary=\"unterminated",
        ] {
            assert!(!is_upload_form(refused), "{refused}");
        }
        assert!(!is_upload_form(&format!("multipart/form-data; boundary={}", "a".repeat(71))));
    }
}
