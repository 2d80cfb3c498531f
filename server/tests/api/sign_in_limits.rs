//! Limits on failed sign-ins: an account locks after repeated wrong PINs or passwords, one
//! client is stopped after many failures across accounts, and neither tells whether an
//! account exists.

use app::dto::PageAt;
use crate::helpers::{PASSWORD, TestApp, published, client, spawn_app, spawn_app_with};
use crate::setup::{form, handout, setup};
use app::auth::throttle::{self, ACCOUNT_WINDOW};
use app::domain::Role;
use app::error::AppError;
use app::ssr::Clock;
use app::ssr::entities::audit_event;
use app::ssr::raw::statement;
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter};
use std::sync::Arc;

/// A shop-floor worker who has set up PIN 482139.
/// Sets worker `number` up with PIN 482139; answers their account's id.
async fn worker(app: &TestApp, number: &str) -> i32 {
    let issued = handout(app, number).await;
    setup(app, "10.0.0.1", form(number, &issued.setup_code, "482139")).await.unwrap()
}

async fn sign_in(app: &TestApp, client: &str, identifier: &str, secret: &str) -> Result<i32, AppError> {
    let state = &app.state;
    throttle::sign_in(&state.db, identifier, secret.into(), client, app.clock.now(), &state.decoy_hash).await.map(|u| u.id)
}

/// Records `count` failures from `client`, each on another account, `age` ago.
async fn earlier_failures(app: &TestApp, client: &str, count: i64, age: Duration) {
    let at = app.clock.now() - age;
    for n in 0..count {
        let insert = "INSERT INTO sign_in_failures (account, client, failed_at) VALUES ($1, $2, $3)";
        let values = vec![format!("account-{n}").into(), client.into(), at.into()];
        app.state.db.execute_raw(statement(&app.state.db, insert, values)).await.unwrap();
    }
}

/// Starts one sign-in per `(client, identifier, secret)` at the same moment; answers how many
/// were checked and failed, and how many were refused as locked.
async fn all_at_once(app: &Arc<TestApp>, attempts: Vec<(String, String, String)>) -> (usize, usize) {
    let start = Arc::new(tokio::sync::Barrier::new(attempts.len()));
    let tasks: Vec<_> = attempts
        .into_iter()
        .map(|(client, identifier, secret)| {
            let (app, start) = (app.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                sign_in(&app, &client, &identifier, &secret).await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.unwrap());
    }
    let tried = outcomes.iter().filter(|o| **o == Err(AppError::InvalidCredentials)).count();
    let refused = outcomes.iter().filter(|o| matches!(o, Err(AppError::SignInLocked { .. }))).count();
    (tried, refused)
}

#[tokio::test]
async fn five_wrong_pins_lock_that_client_out_even_with_the_right_pin_for_fifteen_minutes_but_not_the_owner_elsewhere() {
    let app = spawn_app().await;
    let worker_id = worker(&app, "E-4577").await;
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT {
        assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "482130").await, Err(AppError::InvalidCredentials));
    }

    let locked = sign_in(&app, "10.0.0.7", "e-4577", "482139").await;
    let owner_elsewhere = sign_in(&app, "10.0.0.8", "E-4577", "482139").await;
    // The owner's sign-in cleared the count: five more wrong PINs lock it again.
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT {
        assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "482130").await, Err(AppError::InvalidCredentials));
    }
    app.clock.advance(ACCOUNT_WINDOW - Duration::seconds(1));
    let still_locked = sign_in(&app, "10.0.0.7", "E-4577", "482139").await;
    app.clock.advance(Duration::seconds(2));
    let unlocked = sign_in(&app, "10.0.0.7", "E-4577", "482139").await;

    assert_eq!(locked, Err(AppError::SignInLocked { minutes: 15 }));
    assert_eq!(owner_elsewhere, Ok(worker_id), "someone guessing from one place must not lock the owner out");
    assert_eq!(still_locked, Err(AppError::SignInLocked { minutes: 1 }));
    assert_eq!(unlocked, Ok(worker_id));
    let message = AppError::SignInLocked { minutes: 15 }.to_string();
    assert_eq!(message, "Too many failed sign-in attempts. Try again in 15 minutes, or ask your administrator.");
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_count() {
    let app = spawn_app().await;
    let worker_id = worker(&app, "E-4577").await;
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT - 1 {
        assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "000000").await, Err(AppError::InvalidCredentials));
    }
    sign_in(&app, "10.0.0.7", "E-4577", "482139").await.unwrap();
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT - 1 {
        assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "000000").await, Err(AppError::InvalidCredentials));
    }

    assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "482139").await, Ok(worker_id));
}

#[tokio::test]
async fn a_locked_unknown_number_answers_exactly_like_a_locked_real_one_over_http() {
    let app = spawn_app().await;
    worker(&app, "E-4577").await;
    let attempt = |number: &'static str| {
        let app = &app;
        async move { app.call(&client(), "sign_in", &[("email", number), ("password", "482130")]).await }
    };
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT {
        assert_eq!(attempt("E-4577").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(attempt("E-9999").await.status(), StatusCode::UNAUTHORIZED);
    }

    let real = attempt("E-4577").await;
    let unknown = attempt("E-9999").await;

    assert_eq!(real.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(real.status(), unknown.status());
    assert!(real.headers().get("set-cookie").is_none());
    let (a, b) = (real.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(a, r#"{"SignInLocked":{"minutes":15}}"#);
}

#[tokio::test]
async fn the_lock_of_a_real_account_is_in_the_audit_log_once() {
    let app = spawn_app().await;
    worker(&app, "E-4577").await;
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT + 2 {
        for number in ["E-4577", "E-0000"] {
            let refused = sign_in(&app, "10.0.0.7", number, "482130").await;
            assert!(matches!(refused, Err(AppError::InvalidCredentials | AppError::SignInLocked { .. })), "{refused:?}");
        }
    }

    let events = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("user.sign_in_locked"))
        .all(&app.state.db)
        .await
        .unwrap();

    assert_eq!(events.len(), 1, "once, and only for the account that exists");
    assert!(events[0].details.contains("E-4577"), "{}", events[0].details);
    assert!(!events[0].details.contains("482130"));
}

#[tokio::test]
async fn twenty_simultaneous_guesses_from_one_client_get_five_tries_and_fifteen_refusals() {
    let app = Arc::new(spawn_app().await);
    worker(&app, "E-4577").await;

    let guesses = (0..20).map(|n| ("10.0.1.1".to_owned(), "E-4577".to_owned(), format!("5{n:05}"))).collect();
    let (tried, refused) = all_at_once(&app, guesses).await;

    assert_eq!((tried, refused), (published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT as usize, 15));
}

#[tokio::test]
async fn thirty_simultaneous_guesses_from_thirty_clients_get_twenty_tries_and_ten_refusals() {
    let app = Arc::new(spawn_app().await);
    worker(&app, "E-4577").await;

    let guesses = (0..30).map(|n| (format!("10.0.1.{n}"), "E-4577".to_owned(), format!("5{n:05}"))).collect();
    let (tried, refused) = all_at_once(&app, guesses).await;

    assert_eq!((tried, refused), (published::SIGN_IN_FAILURES_PER_ACCOUNT as usize, 10));
    let locks = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("user.sign_in_locked"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(locks, 1, "one Sign-in locked event, however the guesses interleave");
}

#[tokio::test]
async fn twenty_simultaneous_failures_from_one_client_stop_exactly_at_its_limit() {
    let app = Arc::new(spawn_app().await);
    // Five failures short of the client's limit, each on another account.
    earlier_failures(&app, "10.0.0.9", published::SIGN_IN_FAILURES_PER_CLIENT - 5, Duration::minutes(1)).await;

    let failures = (0..20).map(|n| ("10.0.0.9".to_owned(), format!("E-{n}"), "482139".to_owned())).collect();
    let (tried, refused) = all_at_once(&app, failures).await;

    assert_eq!((tried, refused), (5, 15));
}

#[tokio::test]
async fn one_client_failing_across_many_accounts_is_stopped_and_others_are_not() {
    let app = spawn_app().await;
    let real = app.user("real@example.com", Role::Employee, None).await;
    // A client that has already failed the limit within the hour, each time on another account.
    earlier_failures(&app, "10.0.0.9", published::SIGN_IN_FAILURES_PER_CLIENT, Duration::minutes(30)).await;

    let blocked = sign_in(&app, "10.0.0.9", "real@example.com", PASSWORD).await;
    let elsewhere = sign_in(&app, "10.0.0.10", "real@example.com", PASSWORD).await;
    app.clock.advance(Duration::minutes(31));
    let later = sign_in(&app, "10.0.0.9", "real@example.com", PASSWORD).await;

    assert_eq!(blocked, Err(AppError::SignInLocked { minutes: 30 }));
    assert_eq!(elsewhere, Ok(real));
    assert_eq!(later, Ok(real));
}

#[derive(sea_orm::FromQueryResult)]
struct FailedFrom {
    client: String,
}

async fn failed_from(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let rows = FailedFrom::find_by_statement(statement(db, "SELECT client FROM sign_in_failures ORDER BY id", vec![]))
        .all(db)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.client).collect()
}

async fn fail_through_proxy(app: &TestApp, forwarded_for: &str) {
    let response = client()
        .post(app.url("/api/sign_in"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("X-Forwarded-For", forwarded_for)
        .form(&[("email", "ghost@example.com"), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn behind_a_trusted_proxy_failures_count_against_the_real_client_and_nothing_else_believes_the_header() {
    let proxied = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let direct = spawn_app().await;

    fail_through_proxy(&proxied, "1.2.3.4, 203.0.113.7").await;
    fail_through_proxy(&direct, "203.0.113.7").await;

    assert_eq!(failed_from(&proxied).await, ["203.0.113.7"], "the address the proxy received from, not the forged one");
    assert_eq!(failed_from(&direct).await, ["127.0.0.1"], "with no trusted proxy the header is ignored");
}

/// Locks worker `number` out from 10.0.0.7.
async fn lock_out(app: &TestApp, number: &str) {
    for _ in 0..published::SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT {
        assert_eq!(sign_in(app, "10.0.0.7", number, "482130").await, Err(AppError::InvalidCredentials));
    }
    assert!(matches!(sign_in(app, "10.0.0.7", number, "482139").await, Err(AppError::SignInLocked { .. })));
}

#[tokio::test]
async fn an_admin_sees_who_is_locked_and_unlocks_them_at_once_with_an_audit_event() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let worker_id = worker(&app, "E-4577").await;
    lock_out(&app, "E-4577").await;
    let listed = app::users::service::list_users(&app.state.db, &corporate, app.clock.now(), &Default::default(), PageAt::First).await.unwrap();
    let row = listed.items.iter().find(|u| u.employee_number.as_deref() == Some("E-4577")).unwrap();
    assert!(row.locked, "the Users tab shows the lock");

    app::people::service::unlock(&app.state.db, &corporate, row.id, app.clock.now()).await.unwrap();

    assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "482139").await, Ok(worker_id), "unlocked at once");
    let listed = app::users::service::list_users(&app.state.db, &corporate, app.clock.now(), &Default::default(), PageAt::First).await.unwrap();
    assert!(listed.items.iter().all(|u| !u.locked));
    let unlocked = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("user.sign_in_unlocked"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!((unlocked.len(), unlocked[0].actor_user_id, unlocked[0].subject_id), (1, Some(corporate.user_id), Some(row.id)));
}

/// Unlock is a form: clicked before the Users page has hydrated, the browser posts it the plain
/// way and is sent back to the page it came from, with the person unlocked.
#[tokio::test]
async fn unlock_posted_as_a_plain_form_unlocks_and_goes_back_to_the_users_page() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::CorporateAdmin, None).await;
    let worker_id = worker(&app, "E-4577").await;
    lock_out(&app, "E-4577").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app::users::service::list_users(&app.state.db, &corporate, app.clock.now(), &Default::default(), PageAt::First).await.unwrap()
        .items.into_iter().find(|u| u.locked).unwrap().id;

    let users_page = app.url("/users?status=all");
    let posted = admin
        .post(app.url("/api/person_action"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Referer", &users_page)
        .form(&[("id", id.to_string()), ("action", "unlock".to_owned())])
        .send()
        .await
        .unwrap();

    assert!(posted.status().is_redirection(), "a plain form post is answered with a redirect, not {}", posted.status());
    assert_eq!(posted.headers()["location"], users_page.as_str(), "back to the page the form was on");
    assert_eq!(sign_in(&app, "10.0.0.7", "E-4577", "482139").await, Ok(worker_id), "unlocked at once");
}

#[tokio::test]
async fn a_department_admin_cannot_unlock_someone_in_another_department_nor_can_a_team_lead() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let other = app.actor("hr@example.com", Role::HrAdmin, Some(app.department("HR").await)).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let issued = {
        let input = crate::shop_floor::worker("E-4577", Role::Employee, Some(quality));
        app::invitations::service::invite_shop_floor(&app.state.db, &corporate, &app.state.settings, app.clock.now(), input).await.unwrap()
    };
    setup(&app, "10.0.0.1", form("E-4577", &issued.setup_code, "482139")).await.unwrap();
    lock_out(&app, "E-4577").await;
    let id = app::users::service::list_users(&app.state.db, &corporate, app.clock.now(), &Default::default(), PageAt::First).await.unwrap()
        .items.into_iter().find(|u| u.locked).unwrap().id;

    let refused = app::people::service::unlock(&app.state.db, &other, id, app.clock.now()).await;
    let lead = app.signed_in_as(Role::TeamLead, Some(quality)).await;
    let over_http = app.call(&lead, "person_action", &[("id", &id.to_string()), ("action", "unlock")]).await;

    assert_eq!(refused, Err(AppError::NotFound("That person".into())), "another department's person looks like no one");
    assert_eq!(over_http.status(), StatusCode::FORBIDDEN);
    assert!(matches!(sign_in(&app, "10.0.0.7", "E-4577", "482139").await, Err(AppError::SignInLocked { .. })), "still locked");
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("user.sign_in_unlocked"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events, 0);
}
