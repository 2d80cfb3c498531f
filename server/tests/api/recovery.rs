//! Getting back in: password-reset links (by an admin and "Forgot password?") and PIN-reset
//! handouts, single-use and expiring, over HTTP where the browser is involved.

use crate::helpers::{NEW_PASSWORD, PASSWORD, TestApp, published, client, eventually, spawn_app};
use crate::setup::{form, handout, setup};
use app::domain::Role;
use app::error::AppError;
use app::people::service::{complete_pin_reset, deactivate, reset_pin, send_password_reset};
use app::ssr::Clock;
use app::ssr::entities::{audit_event, session};
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Every reset token mailed to `email` so far, oldest first.
fn reset_tokens(app: &TestApp, email: &str) -> Vec<String> {
    let dir = app.data_dir.path().join("mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .filter(|m| m.starts_with(&format!("To: {email}\n")))
        .filter_map(|m| m.split("/reset/").nth(1).map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()))
        .collect()
}

async fn newest_reset_token(app: &TestApp, email: &str, count: usize) -> String {
    eventually("the reset mail", async || reset_tokens(app, email).get(count - 1).cloned()).await
}

/// A browser that followed reset link `token`, then set `password` with it.
async fn reset_with(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    let browser = client();
    let followed = browser.get(app.url(&format!("/reset/{token}"))).send().await.unwrap();
    assert_eq!(followed.status(), StatusCode::SEE_OTHER);
    assert_eq!(followed.headers()["referrer-policy"], "no-referrer");
    app.call(&browser, "reset_password", &[("password", password), ("password_confirmation", password)]).await
}

#[tokio::test]
async fn an_admins_reset_link_sets_a_new_password_once_ends_other_sessions_and_is_audited() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let worker = app.user("worker@example.com", Role::Employee, None).await;
    let elsewhere = client();
    app.sign_in(&elsewhere, "worker@example.com").await;
    let state = &app.state;
    send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await.unwrap();
    let token = newest_reset_token(&app, "worker@example.com", 1).await;

    let done = reset_with(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(app.page(&elsewhere, "/profile").await.status(), StatusCode::FOUND, "the other session ended");
    let old = app.call(&client(), "sign_in", &[("email", "worker@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new = app.call(&client(), "sign_in", &[("email", "worker@example.com"), ("password", NEW_PASSWORD)]).await;
    assert_eq!(new.status(), StatusCode::OK);
    let again = reset_with(&app, &token, "yet another long passphrase").await;
    assert_eq!(again.status(), StatusCode::GONE);
    for event in ["user.password_reset_sent", "user.password_reset_completed"] {
        let n = audit_event::Entity::find().filter(audit_event::Column::EventType.eq(event)).count(&app.state.db).await.unwrap();
        assert_eq!(n, 1, "{event}");
    }
}

#[tokio::test]
async fn a_reset_link_expires_after_reset_ttl_and_a_newer_one_kills_the_older() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let worker = app.user("worker@example.com", Role::Employee, None).await;
    let state = &app.state;
    send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await.unwrap();
    let first = newest_reset_token(&app, "worker@example.com", 1).await;
    send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await.unwrap();
    let second = newest_reset_token(&app, "worker@example.com", 2).await;
    assert_eq!(reset_with(&app, &first, NEW_PASSWORD).await.status(), StatusCode::GONE);
    app.clock.advance(Duration::hours(1) + Duration::seconds(1));
    let expired = reset_with(&app, &second, NEW_PASSWORD).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    assert_eq!(expired.text().await.unwrap(), serde_json::to_string(&AppError::ResetLinkInvalid).unwrap());
}

#[tokio::test]
async fn forgot_password_answers_byte_identically_for_an_existing_a_deactivated_and_an_unknown_address() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    app.user("here@example.com", Role::Employee, None).await;
    let gone = app.user("gone@example.com", Role::Employee, None).await;
    deactivate(&app.state.db, &boss, app.clock.now(), gone).await.unwrap();
    let mut answers = Vec::new();
    for email in ["here@example.com", "gone@example.com", "nobody@example.com"] {
        let started = std::time::Instant::now();
        let response = app.call(&client(), "forgot_password", &[("email", email)]).await;
        let took = started.elapsed();
        assert!(took >= std::time::Duration::from_millis(300), "{email} answered in {took:?}");
        answers.push((response.status(), response.text().await.unwrap()));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0].0, StatusCode::OK);
    newest_reset_token(&app, "here@example.com", 1).await;
    app.outbox_caught_up().await;
    assert!(reset_tokens(&app, "gone@example.com").is_empty());
    assert!(reset_tokens(&app, "nobody@example.com").is_empty());
}

#[tokio::test]
async fn forgot_password_sends_at_most_three_links_an_hour_to_one_address_and_answers_alike_past_the_limit() {
    let app = spawn_app().await;
    app.user("here@example.com", Role::Employee, None).await;
    let mut bodies = Vec::new();
    for _ in 0..5 {
        let response = app.call(&client(), "forgot_password", &[("email", "here@example.com")]).await;
        bodies.push((response.status(), response.text().await.unwrap()));
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    newest_reset_token(&app, "here@example.com", 3).await;
    app.outbox_caught_up().await;
    assert_eq!(reset_tokens(&app, "here@example.com").len(), 3);
}

#[tokio::test]
async fn a_pin_reset_stops_the_old_pin_at_once_and_the_worker_keeps_their_account_with_a_new_pin() {
    let app = spawn_app().await;
    let issued = handout(&app, "E-4577").await;
    let worker = setup(&app, "10.0.0.1", form("E-4577", &issued.setup_code, "482139")).await.unwrap();
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let terminal = client();
    let signed_in = app.call(&terminal, "sign_in", &[("email", "E-4577"), ("password", "482139")]).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let state = &app.state;

    let reset = reset_pin(&state.db, &boss, &state.settings, app.clock.now(), worker).await.unwrap();

    assert!(reset.setup_link.contains("/new-pin/"));
    assert_eq!(session::Entity::find().filter(session::Column::UserId.eq(worker)).count(&state.db).await.unwrap(), 0);
    let old = app.call(&client(), "sign_in", &[("email", "E-4577"), ("password", "482139")]).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let wrong = complete_pin_reset(&state.db, &state.settings, app.clock.now(), "10.0.0.2", "E-4577", "0000-0000-0000", "731946".into(), "731946").await;
    assert_eq!(wrong.err(), Some(AppError::SetupCodeInvalid));
    app.clock.advance(Duration::minutes(5));
    let (again, _) = complete_pin_reset(&state.db, &state.settings, app.clock.now(), "10.0.0.2", "e-4577", &reset.setup_code, "731946".into(), "731946").await.unwrap();
    assert_eq!(again.id, worker, "the same account");
    let signed_in_at = app::ssr::entities::user::Entity::find_by_id(worker).one(&state.db).await.unwrap().unwrap().last_sign_in_at;
    assert_eq!(signed_in_at, Some(app.clock.now()), "setting the new PIN signs them in");
    let new = app.call(&client(), "sign_in", &[("email", "E-4577"), ("password", "731946")]).await;
    assert_eq!(new.status(), StatusCode::OK);
    let reused = complete_pin_reset(&state.db, &state.settings, app.clock.now(), "10.0.0.2", "E-4577", &reset.setup_code, "864213".into(), "864213").await;
    assert_eq!(reused.err(), Some(AppError::SetupCodeInvalid));
}

#[tokio::test]
async fn a_pin_reset_code_dies_after_five_wrong_codes_and_a_deactivated_workers_code_never_works() {
    let app = spawn_app().await;
    let issued = handout(&app, "E-1000").await;
    let worker = setup(&app, "10.0.0.1", form("E-1000", &issued.setup_code, "482139")).await.unwrap();
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let state = &app.state;
    let reset = reset_pin(&state.db, &boss, &state.settings, app.clock.now(), worker).await.unwrap();
    for _ in 0..published::WRONG_CODES_PER_CODE {
        let wrong = complete_pin_reset(&state.db, &state.settings, app.clock.now(), "10.0.0.3", "E-1000", "0000-0000-0000", "731946".into(), "731946").await;
        assert_eq!(wrong.err(), Some(AppError::SetupCodeInvalid));
    }
    let dead = complete_pin_reset(&state.db, &state.settings, app.clock.now(), "10.0.0.3", "E-1000", &reset.setup_code, "731946".into(), "731946").await;
    assert_eq!(dead.err(), Some(AppError::SetupCodeInvalid));

    let fresh = reset_pin(&state.db, &boss, &state.settings, app.clock.now(), worker).await.unwrap();
    deactivate(&state.db, &boss, app.clock.now(), worker).await.unwrap();
    let off = complete_pin_reset(&state.db, &state.settings, app.clock.now(), "10.0.0.4", "E-1000", &fresh.setup_code, "731946".into(), "731946").await;
    assert_eq!(off.err(), Some(AppError::SetupCodeInvalid));
}

#[tokio::test]
async fn an_admin_sends_one_person_at_most_three_resets_an_hour() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let worker = app.user("worker@example.com", Role::Employee, None).await;
    let issued = handout(&app, "E-2000").await;
    let shop_floor = setup(&app, "10.0.0.1", form("E-2000", &issued.setup_code, "482139")).await.unwrap();
    let state = &app.state;
    for _ in 0..3 {
        send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await.unwrap();
        reset_pin(&state.db, &boss, &state.settings, app.clock.now(), shop_floor).await.unwrap();
    }
    newest_reset_token(&app, "worker@example.com", 3).await;
    let before = audit_event::Entity::find().count(&state.db).await.unwrap();

    let mailed = send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await;
    let handed = reset_pin(&state.db, &boss, &state.settings, app.clock.now(), shop_floor).await;

    assert!(matches!(&mailed, Err(AppError::Limited(m)) if m.contains("3 resets in the last hour")), "{mailed:?}");
    assert!(matches!(handed, Err(AppError::Limited(_))), "a fourth PIN reset is refused too");
    assert_eq!(audit_event::Entity::find().count(&state.db).await.unwrap(), before, "a refusal writes nothing");
    let browser = client();
    app.sign_in(&browser, "boss@example.com").await;
    let over_http = app.call(&browser, "person_action", &[("id", &worker.to_string()), ("action", "send_password_reset")]).await;
    assert_eq!(over_http.status(), StatusCode::TOO_MANY_REQUESTS);
    app.outbox_caught_up().await;
    assert_eq!(reset_tokens(&app, "worker@example.com").len(), 3, "nothing more was mailed");

    app.clock.advance(Duration::hours(1) + Duration::seconds(1));
    send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await.unwrap();
    reset_pin(&state.db, &boss, &state.settings, app.clock.now(), shop_floor).await.unwrap();
}

/// Rows of `table`.
async fn rows_in(app: &TestApp, table: &str) -> i64 {
    use sea_orm::FromQueryResult;
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let db = &app.state.db;
    let statement = sea_orm::Statement::from_string(db.get_database_backend(), format!("SELECT COUNT(*) AS n FROM {table}"));
    Count::find_by_statement(statement).one(db).await.unwrap().unwrap().n
}

#[tokio::test]
async fn fifteen_hundred_anonymous_forgot_password_requests_from_one_client_leave_a_bounded_number_of_rows() {
    let app = spawn_app().await;
    app.user("here@example.com", Role::Employee, None).await;
    let browser = client();
    let mut flood = tokio::task::JoinSet::new();
    let wave = std::sync::Arc::new(tokio::sync::Semaphore::new(100));
    for i in 0..1500 {
        let (browser, url, wave) = (browser.clone(), app.url("/api/forgot_password"), wave.clone());
        let email = if i % 3 == 0 { "here@example.com".to_owned() } else { format!("nobody.{i}@example.com") };
        flood.spawn(async move {
            let _turn = wave.acquire().await.unwrap();
            let form = [("email", email)];
            browser.post(url).header("Sec-Fetch-Site", "same-origin").form(&form).send().await.unwrap().status()
        });
    }
    let answers = flood.join_all().await;

    assert!(answers.iter().all(|s| *s == StatusCode::OK), "every request gets the same answer");
    // The README's numbers: 20 requests a client an hour, 3 an address.
    assert_eq!(rows_in(&app, "recovery_requests").await, 2 * 20, "one address and one client row per counted request");
    app.outbox_caught_up().await;
    assert!(reset_tokens(&app, "here@example.com").len() <= 3);
    assert!(rows_in(&app, "access_resets").await <= 3);

    app.clock.advance(Duration::days(1) + Duration::hours(2));
    app::ssr::housekeeping::sweep(&app.state.db, &app.clock).await.unwrap();
    assert_eq!(rows_in(&app, "recovery_requests").await, 0, "housekeeping sweeps them");
    assert_eq!(rows_in(&app, "access_resets").await, 0, "and the links that ran out");
}

#[tokio::test]
async fn a_reset_finished_on_a_browser_someone_is_signed_in_on_ends_their_session() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let before_them = app.user("before@example.com", Role::Employee, None).await;
    let worker = app.user("worker@example.com", Role::Employee, None).await;
    let state = &app.state;
    let shared = client();
    app.sign_in(&shared, "before@example.com").await;
    send_password_reset(&state.db, &boss, &state.settings, &state.outbox, app.clock.now(), worker).await.unwrap();
    let token = newest_reset_token(&app, "worker@example.com", 1).await;
    assert_eq!(shared.get(app.url(&format!("/reset/{token}"))).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    let done = app.call(&shared, "reset_password", &[("password", NEW_PASSWORD), ("password_confirmation", NEW_PASSWORD)]).await;

    assert_eq!(done.status(), StatusCode::OK);
    let left = session::Entity::find().filter(session::Column::UserId.eq(before_them)).count(&state.db).await.unwrap();
    assert_eq!(left, 0, "the person signed in before on this browser is signed out on the server");

    // The same on a shared terminal where a worker sets a new PIN from their handout.
    let issued = handout(&app, "E-3000").await;
    let shop_floor = setup(&app, "10.0.0.1", form("E-3000", &issued.setup_code, "482139")).await.unwrap();
    let reset = reset_pin(&state.db, &boss, &state.settings, app.clock.now(), shop_floor).await.unwrap();
    let terminal = client();
    app.sign_in(&terminal, "before@example.com").await;
    let form = [("employee_number", "E-3000"), ("setup_code", reset.setup_code.as_str()), ("secret", "731946"), ("secret_confirmation", "731946")];
    assert_eq!(app.call(&terminal, "complete_pin_reset", &form).await.status(), StatusCode::OK);
    let left = session::Entity::find().filter(session::Column::UserId.eq(before_them)).count(&state.db).await.unwrap();
    assert_eq!(left, 0);
}
