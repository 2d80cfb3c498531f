//! The Content-Security-Policy of every page: everything from this origin only, and inline
//! scripts only with the nonce Leptos gives each response. The pages that show what people
//! typed (names, file names, audit details) are the ones an injected script would want most;
//! the policy keeps one from running even if a page ever failed to escape it. Leptos hydration
//! needs its inline bootstrap script and WebAssembly compilation; no other origin is allowed
//! for anything.

/// The policy. With `nonce`, inline scripts run only if they carry it (Leptos puts it on its
/// own); without one, as the server's fallback for pages that set none, inline scripts run.
pub fn same_origin_only(nonce: Option<&str>) -> String {
    let inline = nonce.map_or_else(|| "'unsafe-inline'".to_owned(), |n| format!("'nonce-{n}'"));
    // `cargo leptos watch` (which sets LEPTOS_WATCH) reloads the page over a websocket of its
    // own port; nothing else ever does.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() { " ws://127.0.0.1:* ws://localhost:*" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' {inline} 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'{reload}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; \
         object-src 'none'"
    )
}

/// Sets the nonce-bound policy on the page being rendered, where Leptos has a nonce for it
/// (leptos_axum gives every page render one).
pub fn apply_to_page() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&same_origin_only(Some(&nonce.to_string()))) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::same_origin_only;

    #[test]
    fn a_nonce_replaces_inline_scripts_and_nothing_else_changes() {
        let fallback = same_origin_only(None);
        let strict = same_origin_only(Some("abc"));
        assert!(fallback.contains("script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"));
        assert_eq!(strict, fallback.replace("'unsafe-inline' 'wasm", "'nonce-abc' 'wasm"));
        assert!(!strict.contains("script-src 'self' 'unsafe-inline'"));
    }
}
