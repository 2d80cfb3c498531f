//! With no SMTP server configured, mail is written to `.eml` files, each with a readable `.txt`
//! of its plain-text part; these pages list them so a
//! first-time user can follow an invitation link. They exist only in that mode, and answer only
//! requests made on this machine to the app itself: from a loopback address, to the host and
//! port of `PUBLIC_URL`, and not through a proxy (a reverse proxy on the same machine would
//! otherwise make every visitor look local).

use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

#[derive(Clone)]
struct Capture {
    dir: PathBuf,
    /// `host[:port]` of `PUBLIC_URL`, lower-case.
    authority: String,
    /// The app's stylesheet, for the list's looks.
    stylesheet: String,
}

pub fn routes(dir: PathBuf, public_url: &Url, stylesheet: String) -> Router {
    let host = public_url.host_str().unwrap_or_default().to_ascii_lowercase();
    let authority = match public_url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    Router::new()
        .route("/mail", get(list))
        .route("/mail/{name}", get(show))
        .with_state(Capture { dir, authority, stylesheet })
}

/// Headers a proxy adds: a request carrying one did not come straight from this machine.
const PROXY_HEADERS: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

fn local_only(peer: &SocketAddr, headers: &HeaderMap, capture: &Capture) -> Result<(), Response> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase);
    let proxied = PROXY_HEADERS.iter().any(|name| headers.contains_key(*name));
    if peer.ip().is_loopback() && host.as_deref() == Some(capture.authority.as_str()) && !proxied {
        Ok(())
    } else {
        Err(StatusCode::NOT_FOUND.into_response())
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The value of a top-level header of a raw message.
fn header_value(raw: &str, name: &str) -> String {
    raw.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(": ")))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The first invitation or password-reset link in the message.
fn first_link(raw: &str) -> Option<String> {
    raw.split_whitespace()
        .find(|w| w.starts_with("http") && (w.contains("/invitation/") || w.contains("/reset/")))
        .map(|w| w.trim_end_matches(['.', ',', '"', '>']).to_owned())
}

async fn list(ConnectInfo(peer): ConnectInfo<SocketAddr>, State(capture): State<Capture>, headers: HeaderMap) -> Response {
    if let Err(refused) = local_only(&peer, &headers, &capture) {
        return refused;
    }
    let dir = &capture.dir;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".txt"))
                .collect()
        })
        .unwrap_or_default();
    names.sort_unstable_by(|a, b| b.cmp(a));
    let rows: String = names
        .iter()
        .map(|name| {
            let raw = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            let link = first_link(&raw)
                .map(|l| format!("<a href=\"{}\">Open the invitation link</a>", escape(&l)))
                .unwrap_or_default();
            format!(
                "<tr><td>{}</td><td><a href=\"/mail/{}\">{}</a></td><td>{}</td></tr>",
                escape(&header_value(&raw, "To")),
                escape(name),
                escape(&header_value(&raw, "Subject")),
                link
            )
        })
        .collect();
    Html(format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Captured mail · Onboard</title>\
         <link rel=\"stylesheet\" href=\"{}\"></head><body><main class=\"content\">\
         <h1>Captured mail</h1><p class=\"lead\">No SMTP server is configured (SMTP_URL), so mail is kept in \
         {} and listed here, newest first. This page only answers this machine.</p>\
         <table class=\"data-table\"><thead><tr><th>To</th><th>Subject</th><th>Link</th></tr></thead><tbody>{}</tbody></table>\
         </main></body></html>",
        escape(&capture.stylesheet),
        escape(&dir.display().to_string()),
        if rows.is_empty() { "<tr><td colspan=\"3\">No mail yet.</td></tr>".to_owned() } else { rows }
    ))
    .into_response()
}

async fn show(
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    State(capture): State<Capture>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if let Err(refused) = local_only(&peer, &headers, &capture) {
        return refused;
    }
    let dir = &capture.dir;
    let valid = name.strip_suffix(".txt").is_some_and(|stem| !stem.is_empty() && stem.chars().all(|c| c.is_ascii_digit()));
    if !valid {
        return StatusCode::NOT_FOUND.into_response();
    }
    match std::fs::read_to_string(dir.join(&name)) {
        Ok(raw) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], raw).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
