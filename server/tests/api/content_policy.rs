//! Every page carries one Content-Security-Policy: this origin only, and inline scripts only
//! with the nonce of that response, which every script Leptos writes carries.

use crate::helpers::{client, spawn_app};
use app::domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_signed_in_or_not_has_a_nonce_policy_that_every_inline_script_carries() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let admin = app.signed_in_as(Role::CorporateAdmin, None).await;
    let worker = app.user("worker@example.com", Role::Employee, Some(quality)).await;
    let person_page = format!("/users/{worker}");
    let pages = [
        (client(), "/sign-in"),
        (client(), "/setup"),
        (client(), "/forgot-password"),
        (client(), "/no-such-page"),
        (admin.clone(), "/users"),
        (admin.clone(), "/users/invitations"),
        (admin.clone(), "/users/import"),
        (admin.clone(), "/users/imports"),
        (admin.clone(), person_page.as_str()),
        (admin.clone(), "/audit-log"),
        (admin.clone(), "/organisation"),
        (admin.clone(), "/profile"),
    ];
    for (browser, path) in pages {
        let response = app.page(&browser, path).await;
        assert!(response.status() == StatusCode::OK || response.status() == StatusCode::NOT_FOUND, "{path}: {}", response.status());
        let policy = response.headers().get("content-security-policy").unwrap_or_else(|| panic!("{path} has no policy"));
        let policy = policy.to_str().unwrap().to_owned();
        assert!(policy.contains("default-src 'self'") && policy.contains("object-src 'none'"), "{path}: {policy}");
        let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap_or_else(|| panic!("{path}: {policy}"));
        assert!(!policy.contains("'unsafe-inline' 'wasm"), "{path}: inline scripts need the nonce: {policy}");
        let html = response.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or_default()).collect();
        assert!(!scripts.is_empty(), "{path} has scripts");
        for script in scripts {
            assert!(script.contains(&format!("nonce=\"{nonce}\"")) || script.contains(" src="), "{path}: <script{script}>");
        }
    }
}
