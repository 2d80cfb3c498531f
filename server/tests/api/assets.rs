//! The browser's files and the weight of every answer: precompressed files, caching by hashed
//! name, compressed pages, and secrets that are never compressed or cached.

use crate::helpers::{TestApp, client, spawn_app_configured};
use app::domain::Role;
use app::domain::password_policy::{CommonPasswords, common_list_path, common_passwords};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};

const WASM: &[u8] = b"\0asm the real file";
const WASM_BR: &[u8] = b"brotli of the real file";

/// A site folder with one hashed WASM file and its brotli copy, as `--precompress` leaves it.
fn site() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("onboard.abc123.wasm"), WASM).unwrap();
    std::fs::write(pkg.join("onboard.abc123.wasm.br"), WASM_BR).unwrap();
    root
}

/// The app over `root`; with `hashed`, configured as a build with `hash-files` is (the test
/// binary has no `hash.txt` beside it, so only `/pkg/` is asked for, never a page).
async fn app_on(root: &tempfile::TempDir, hashed: bool) -> TestApp {
    let root = root.path().display().to_string();
    spawn_app_configured(&[("LEPTOS_SITE_ROOT", &root)], |config| config.leptos.hash_files = hashed).await
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

#[tokio::test]
async fn hashed_files_go_out_precompressed_and_are_kept_for_a_year_but_a_missing_one_is_not() {
    let root = site();
    let app = app_on(&root, true).await;
    let browser = client();

    let brotli = browser.get(app.url("/pkg/onboard.abc123.wasm")).header(ACCEPT_ENCODING, "br, gzip").send().await.unwrap();
    let plain = browser.get(app.url("/pkg/onboard.abc123.wasm")).send().await.unwrap();
    let missing = browser.get(app.url("/pkg/onboard.gone.wasm")).header(ACCEPT_ENCODING, "br").send().await.unwrap();

    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(header(&brotli, CONTENT_ENCODING), "br");
    assert_eq!(header(&brotli, CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(brotli.bytes().await.unwrap(), WASM_BR);
    assert_eq!(header(&plain, CONTENT_ENCODING), "");
    assert_eq!(plain.bytes().await.unwrap(), WASM);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(!header(&missing, CACHE_CONTROL).contains("immutable"), "a missing file must not be cached");
}

#[tokio::test]
async fn the_common_password_list_is_served_compressed_at_its_hashed_address_and_kept_for_a_year() {
    let root = site();
    let app = app_on(&root, false).await;
    let browser = client();

    let brotli = browser.get(app.url(&common_list_path())).header(ACCEPT_ENCODING, "br").send().await.unwrap();
    let plain = browser.get(app.url(&common_list_path())).send().await.unwrap();
    let old = browser.get(app.url("/common-passwords.0000000000000000.txt")).send().await.unwrap();

    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(header(&brotli, CONTENT_ENCODING), "br");
    assert_eq!(header(&brotli, CACHE_CONTROL), "public, max-age=31536000, immutable");
    assert_eq!(header(&plain, CONTENT_TYPE), "text/plain; charset=utf-8");
    let served = CommonPasswords::parse(&plain.text().await.unwrap());
    assert_eq!(served.len(), common_passwords().len());
    assert!(served.contains("qwertyuiop"));
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn files_without_hashed_names_are_checked_again_on_every_use() {
    let root = site();
    let app = app_on(&root, false).await;

    let response = client().get(app.url("/pkg/onboard.abc123.wasm")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn pages_and_server_functions_are_compressed_and_never_cached() {
    let root = site();
    let app = app_on(&root, false).await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;

    let page = browser.get(app.url("/users")).header(ACCEPT_ENCODING, "br").send().await.unwrap();
    let answer = browser
        .post(app.url("/api/list_users"))
        .header("Sec-Fetch-Site", "same-origin")
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(header(&page, CONTENT_ENCODING), "br");
    assert_eq!(header(&page, CACHE_CONTROL), "no-store");
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(header(&answer, CONTENT_ENCODING), "gzip");
    assert_eq!(header(&answer, CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn answers_that_carry_a_secret_are_never_compressed() {
    let root = site();
    let app = app_on(&root, false).await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;

    let handout = browser
        .post(app.url("/api/invite_shop_floor"))
        .header("Sec-Fetch-Site", "same-origin")
        .header(ACCEPT_ENCODING, "br, gzip")
        .form(&[("employee_number", "W-1001"), ("first_name", "Ana"), ("last_name", "Silva"), ("role", "employee")])
        .send()
        .await
        .unwrap();
    let setup_page = browser.get(app.url("/setup")).header(ACCEPT_ENCODING, "br, gzip").send().await.unwrap();

    assert_eq!(handout.status(), StatusCode::OK, "{}", handout.text().await.unwrap());
    assert_eq!(header(&handout, CONTENT_ENCODING), "");
    assert_eq!(header(&handout, CACHE_CONTROL), "no-store");
    assert!(handout.text().await.unwrap().contains("W-1001"), "the handout is readable as it is");
    assert_eq!(header(&setup_page, CONTENT_ENCODING), "");
}
