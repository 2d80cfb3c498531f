//! The browser's files under `/pkg`: served precompressed (`cargo leptos build --release
//! --precompress` writes a `.br` and a `.gz` beside each) to browsers that accept them, and,
//! when their names carry a hash of their content (`hash-files` in Cargo.toml), cached for a
//! year: a new build has new names. Unhashed names (a debug build) are checked again on every
//! use instead. A file that is not there is never cached.
//!
//! The common-password list, which the browser fetches while someone chooses a password, is
//! served the same way: its address carries a hash of its content.
//!
//! Everything else the server answers is compressed as it goes out, except answers that carry
//! a secret (marked [`NotCompressed`] by `crate::middleware::secret_headers`): compressing a
//! secret beside text an attacker chose lets the attacker guess it from the size (BREACH).
//! Pages and server-function answers are never cached (`no-store`): they hold people's data.

use app::domain::password_policy::{COMMON_LIST, common_list_path};
use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use leptos::config::LeptosOptions;
use std::path::Path;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;

/// How long a browser keeps a file whose name carries its hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For files whose names stay the same from build to build.
pub const REVALIDATE: &str = "no-cache";

/// The `/pkg` route over `site_root/site_pkg_dir`, and the common-password list.
pub fn routes(options: &LeptosOptions) -> Router {
    let dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    let policy = HeaderValue::from_static(if options.hash_files { IMMUTABLE } else { REVALIDATE });
    let pkg = Router::new().nest_service(&format!("/{}", options.site_pkg_dir), files).layer(
        axum::middleware::from_fn(move |req: Request, next: Next| {
            let policy = policy.clone();
            async move { cache_found(next.run(req).await, policy) }
        }),
    );
    pkg.route(&common_list_path(), get(common_list))
}

async fn common_list() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, IMMUTABLE)], COMMON_LIST)
}

fn cache_found(mut response: Response, policy: HeaderValue) -> Response {
    if matches!(response.status(), StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED) {
        response.headers_mut().insert(header::CACHE_CONTROL, policy);
    }
    response
}

/// Marks a response that must go out uncompressed: it carries a secret.
#[derive(Clone, Copy, Debug)]
pub struct NotCompressed;

/// Compression of the server's own answers (pages, server functions): brotli or gzip at a
/// level that costs about a millisecond for a page, never for one marked [`NotCompressed`].
pub fn compression() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().quality(CompressionLevel::Precise(4)).compress_when(DefaultPredicate::new().and(not_secret))
}

fn not_secret(_: StatusCode, _: http::Version, _: &http::HeaderMap, extensions: &http::Extensions) -> bool {
    extensions.get::<NotCompressed>().is_none()
}

/// What a response that says nothing about caching gets: pages and server-function answers
/// hold people's data, so no browser or proxy keeps them.
pub const UNCACHED: &str = "no-store";
