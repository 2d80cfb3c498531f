//! The shop-floor worker's setup from their handout, through the service and over HTTP.

use app::dto::PageAt;
use crate::helpers::{TestApp, published, spawn_app};
use app::accept::dto::SetupForm;
use app::accept::service::complete_setup;
use app::domain::Role;
use app::domain::password::verify_password;
use app::error::AppError;
use app::invitations::dto::{Handout, InvitationStatus};
use app::invitations::service::{invite_shop_floor, list_invitations};
use app::ssr::Clock;
use app::ssr::entities::{audit_event, invitation, user};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter};
use std::sync::Arc;

pub async fn handout(app: &TestApp, number: &str) -> Handout {
    let admin = app.actor(&format!("admin.{number}@example.com"), Role::CorporateAdmin, None).await;
    let input = crate::shop_floor::worker(number, Role::Employee, None);
    invite_shop_floor(&app.state.db, &admin, &app.state.settings, app.clock.now(), input).await.unwrap()
}

pub fn form(number: &str, code: &str, secret: &str) -> SetupForm {
    SetupForm {
        employee_number: number.into(),
        setup_code: code.into(),
        secret: secret.into(),
        secret_confirmation: secret.into(),
        first_name: "Ola".into(),
        last_name: "Nowak".into(),
        language: "pl".into(),
        ..Default::default()
    }
}

pub async fn setup(app: &TestApp, client: &str, form: SetupForm) -> Result<i32, AppError> {
    complete_setup(&app.state.db, &app.state.settings, app.clock.now(), client, form).await.map(|(u, _)| u.id)
}

/// Asserts that the setup answered with an active account for employee number `number`.
pub async fn assert_joined(app: &TestApp, answer: Result<i32, AppError>, number: &str) {
    let id = answer.unwrap_or_else(|e| panic!("{number} could not set up: {e:?}"));
    let user = app::ssr::entities::user::Entity::find_by_id(id).one(&app.state.db).await.unwrap().expect("the account");
    assert_eq!((user.employee_number.as_deref(), user.status), (Some(number), app::ssr::entities::user::Status::Active));
}

#[tokio::test]
async fn the_worker_sets_a_pin_with_the_code_and_becomes_active_with_a_create_event() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;
    // Typed from the handout, in lower case and with spaces.
    let typed = handout.setup_code.to_lowercase().replace('-', " ");

    let id = setup(&app, "10.0.0.1", form(" e-4577", &typed, "482139")).await.unwrap();

    let worker = user::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((worker.employee_number.as_deref(), worker.email.as_deref(), worker.status.as_str()), (Some("E-4577"), None, "active"));
    assert!(verify_password("482139".into(), worker.password_hash.unwrap()).await.unwrap());
    let inv = invitation::Entity::find_by_id(handout.invitation_id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((inv.status.as_str(), inv.accepted_user_id), ("accepted", Some(id)));
    let event = audit_event::Entity::find().filter(audit_event::Column::EventType.eq("user.created")).one(&app.state.db).await.unwrap().unwrap();
    assert!(event.details.contains("\"employee_number\":\"E-4577\""), "{}", event.details);
    assert_eq!((event.actor_user_id, event.subject_type.as_str(), event.subject_id), (Some(id), "user", Some(id)));
    assert_eq!(setup(&app, "10.0.0.1", form("E-4577", &handout.setup_code, "482139")).await, Err(AppError::SetupCodeInvalid), "single use");
}

#[tokio::test]
async fn trivial_pins_are_refused_without_using_up_the_code() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;

    for pin in ["123456", "111111", "904577123", "48213"] {
        let refused = setup(&app, "10.0.0.1", form("E-4577", &handout.setup_code, pin)).await;
        assert!(matches!(refused, Err(AppError::Field { ref field, .. }) if field == "secret"), "{pin}: {refused:?}");
    }
    // A password works too.
    assert_joined(&app, setup(&app, "10.0.0.1", form("E-4577", &handout.setup_code, "kestrel over the foundry")).await, "E-4577").await;
}

#[tokio::test]
async fn five_wrong_codes_kill_the_code_for_good() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;
    for _ in 0..published::WRONG_CODES_PER_CODE {
        assert_eq!(setup(&app, "10.0.0.1", form("E-4577", "0000-0000-0000", "482139")).await, Err(AppError::SetupCodeInvalid));
    }

    let right_code_too_late = setup(&app, "10.0.0.2", form("E-4577", &handout.setup_code, "482139")).await;

    assert_eq!(right_code_too_late, Err(AppError::SetupCodeInvalid));
    let inv = invitation::Entity::find_by_id(handout.invitation_id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((inv.status.as_str(), inv.failed_attempts), ("expired", published::WRONG_CODES_PER_CODE));
}

#[tokio::test]
async fn a_code_killed_by_wrong_guesses_is_listed_as_expired_not_pending() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;
    for _ in 0..published::WRONG_CODES_PER_CODE {
        assert_eq!(setup(&app, "10.0.0.1", form("E-4577", "0000-0000-0000", "482139")).await, Err(AppError::SetupCodeInvalid));
    }
    let admin = app.actor("viewer@example.com", Role::CorporateAdmin, None).await;

    let all = list_invitations(&app.state.db, &admin, app.clock.now(), None, PageAt::First).await.unwrap();
    let pending = list_invitations(&app.state.db, &admin, app.clock.now(), Some(InvitationStatus::Pending), PageAt::First).await.unwrap();

    let listed = all.items.iter().find(|i| i.id == handout.invitation_id).expect("listed");
    assert_eq!(listed.status, InvitationStatus::Expired);
    assert!(pending.items.is_empty(), "the Pending filter and the status shown agree");
}

#[tokio::test]
async fn one_client_guessing_across_accounts_is_stopped() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;
    for n in 0..published::WRONG_CODES_PER_CLIENT {
        assert_eq!(setup(&app, "10.0.0.9", form(&format!("E-{n}"), "0000-0000-0000", "482139")).await, Err(AppError::SetupCodeInvalid));
    }

    let blocked = setup(&app, "10.0.0.9", form("E-4577", &handout.setup_code, "482139")).await;
    let elsewhere = setup(&app, "10.0.0.3", form("E-4577", &handout.setup_code, "482139")).await;

    assert!(matches!(blocked, Err(AppError::Invalid(ref m)) if m.contains("Too many wrong setup codes")), "{blocked:?}");
    assert_joined(&app, elsewhere, "E-4577").await; // other clients are not affected
}

#[tokio::test]
async fn an_expired_code_is_not_valid() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;
    app.clock.advance(chrono::Duration::hours(73));

    assert_eq!(setup(&app, "10.0.0.1", form("E-4577", &handout.setup_code, "482139")).await, Err(AppError::SetupCodeInvalid));
}

#[tokio::test]
async fn ten_simultaneous_setups_with_one_code_make_one_account() {
    let app = Arc::new(spawn_app().await);
    let handout = handout(&app, "E-4577").await;
    let start = Arc::new(tokio::sync::Barrier::new(10));
    let tasks: Vec<_> = (0..10)
        .map(|n| {
            let (app, start, code) = (app.clone(), start.clone(), handout.setup_code.clone());
            tokio::spawn(async move {
                start.wait().await;
                setup(&app, &format!("10.0.1.{n}"), form("E-4577", &code, "482139")).await
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(err) => assert_eq!(err, AppError::SetupCodeInvalid),
        }
    }

    assert_eq!(ok, 1);
    let workers = user::Entity::find().filter(user::Column::EmployeeNumberCanonical.eq("e-4577")).count(&app.state.db).await.unwrap();
    assert_eq!(workers, 1);
}

#[tokio::test]
async fn over_http_the_qr_link_carries_the_code_and_the_worker_then_signs_in_with_number_and_pin() {
    let app = spawn_app().await;
    let handout = handout(&app, "E-4577").await;
    let path = handout.setup_link.trim_start_matches(crate::helpers::PUBLIC_URL);
    let phone = crate::helpers::client();

    let scanned = phone.get(app.url(path)).send().await.unwrap();
    assert_eq!(scanned.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(scanned.headers()["location"], "/setup");
    assert_eq!(scanned.headers()["referrer-policy"], "no-referrer");
    let page = app.page(&phone, "/setup").await.text().await.unwrap();
    assert!(page.contains("taken from the QR code"), "{page}");
    let fields = [
        ("employee_number", "E-4577"), ("secret", "482139"), ("secret_confirmation", "482139"),
        ("first_name", "Ola"), ("last_name", "Nowak"), ("language", "pl"),
    ];
    let smuggled = app.call(&phone, "complete_setup", &[fields.as_slice(), &[("role", "team_lead")]].concat()).await;
    assert_eq!(smuggled.status(), reqwest::StatusCode::BAD_REQUEST);
    let done = app.call(&phone, "complete_setup", &fields).await;
    assert_eq!(done.status(), reqwest::StatusCode::OK, "{}", done.text().await.unwrap());
    assert!(app.page(&phone, "/profile").await.text().await.unwrap().contains("Ola Nowak"));

    let terminal = crate::helpers::client();
    let signed_in = app.call(&terminal, "sign_in", &[("email", "e-4577"), ("password", "482139")]).await;
    let wrong_pin = app.call(&crate::helpers::client(), "sign_in", &[("email", "E-4577"), ("password", "482130")]).await;

    assert_eq!(signed_in.status(), reqwest::StatusCode::OK);
    assert_eq!(wrong_pin.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_setup_page_allows_only_scripts_with_its_nonce() {
    let app = spawn_app().await;

    let response = app.page(&crate::helpers::client(), "/setup").await;

    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.starts_with("default-src 'self'; script-src 'self' 'nonce-"), "{csp}");
    let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline"), "inline scripts need the nonce: {csp}");
}

#[derive(sea_orm::FromQueryResult)]
struct Count {
    n: i64,
}

#[tokio::test]
async fn thirty_simultaneous_wrong_codes_from_one_client_are_counted_exactly_to_the_limit() {
    let app = spawn_app().await;
    handout(&app, "E-4577").await;

    let tasks: Vec<_> = (0..30)
        .map(|_| {
            let (db, settings, now) = (app.state.db.clone(), app.state.settings.clone(), app.clock.now());
            let guess = form("E-4577", "0000-0000-0000", "482139");
            tokio::spawn(async move { complete_setup(&db, &settings, now, "10.0.0.9", guess).await.map(|_| ()) })
        })
        .collect();
    let mut wrong = 0;
    let mut stopped = 0;
    for task in tasks {
        match task.await.unwrap() {
            Err(AppError::SetupCodeInvalid) => wrong += 1,
            Err(AppError::Invalid(m)) if m.contains("Too many wrong setup codes") => stopped += 1,
            other => panic!("unexpected {other:?}"),
        }
    }

    assert_eq!((wrong, stopped), (published::WRONG_CODES_PER_CLIENT, 30 - published::WRONG_CODES_PER_CLIENT));
    let db = &app.state.db;
    let sql = "SELECT COUNT(*) AS n FROM setup_attempts WHERE client = $1";
    let recorded = Count::find_by_statement(app::ssr::raw::statement(db, sql, vec!["10.0.0.9".into()])).one(db).await.unwrap().unwrap();
    assert_eq!(recorded.n, published::WRONG_CODES_PER_CLIENT);
}

#[tokio::test]
async fn simultaneous_wrong_codes_from_many_clients_count_exactly_five_against_the_code() {
    let app = spawn_app().await;
    let issued = handout(&app, "E-4577").await;

    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let (db, settings, now) = (app.state.db.clone(), app.state.settings.clone(), app.clock.now());
            let guess = form("E-4577", "0000-0000-0000", "482139");
            tokio::spawn(async move { complete_setup(&db, &settings, now, &format!("10.0.1.{n}"), guess).await.map(|_| ()) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), Err(AppError::SetupCodeInvalid));
    }

    let inv = invitation::Entity::find_by_id(issued.invitation_id).one(&app.state.db).await.unwrap().unwrap();
    // The README's number: five wrong codes, then the code is dead.
    assert_eq!((inv.status.as_str(), inv.failed_attempts), ("expired", 5));
    let right_code = setup(&app, "10.0.2.1", form("E-4577", &issued.setup_code, "482139")).await;
    assert_eq!(right_code, Err(AppError::SetupCodeInvalid));
}
