//! Who may read and act on an import is decided by today's policy, not by who started it; and
//! a handout sheet is Resend for many workers, under Resend's rules and counted.

use crate::helpers::{TestApp, client, spawn_app, spawn_app_with};
use crate::imports::{drive, start_file};
use crate::setup::{assert_joined, form, setup};
use app::domain::Role;
use app::error::AppError;
use app::imports::service::{print_handouts, progress};
use app::organisation::dto::UnitKind;
use app::organisation::service::set_archived;
use app::people::service::{AssignmentChange, change_assignment};
use app::ssr::entities::{invitation, user};
use app::ssr::housekeeping::sweep;
use app::ssr::{Actor, Clock};
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

const WORKERS: &str = "employee_number,first_name,last_name,department\n\
    40123,Ana,Brandt,Quality\n40124,Bo,Adams,Quality\n";

async fn statuses(app: &TestApp) -> Vec<invitation::Status> {
    invitation::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|i| i.status).collect()
}

#[tokio::test]
async fn a_quality_admin_moved_to_another_department_can_no_longer_reach_their_import_or_its_workers() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let paint = app.department("Paint Shop").await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let qa = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    let browser = client();
    app.sign_in(&browser, "qa@example.com").await;
    let id = start_file(&app, &qa, WORKERS).await;
    drive(&app, id).await;
    let printed = app.call(&browser, "print_handouts", &[("id", &id.to_string())]).await;
    assert_eq!(printed.status(), StatusCode::OK, "before the move the sheet prints");
    // The codes run out and are stored as expired: Resend or a sheet could still renew them.
    app.clock.advance(Duration::hours(73));
    sweep(&app.state.db, &app.clock).await.unwrap();
    assert_eq!(statuses(&app).await, vec![invitation::Status::Expired, invitation::Status::Expired]);

    let version = user::Entity::find_by_id(qa.user_id).one(&app.state.db).await.unwrap().unwrap().version;
    let moved = AssignmentChange { person_id: qa.user_id, version, role: "quality_admin".into(), department_id: Some(paint), location_id: None };
    change_assignment(&app.state.db, &boss, app.clock.now(), moved).await.unwrap();
    app.sign_in(&browser, "qa@example.com").await; // the session from three days ago has ended

    let id_text = id.to_string();
    for (endpoint, form) in [
        ("print_handouts", vec![("id", id_text.as_str())]),
        ("import_progress", vec![("id", id_text.as_str())]),
        ("import_rows", vec![("id", id_text.as_str())]),
        ("cancel_import", vec![("id", id_text.as_str())]),
    ] {
        let response = app.call(&browser, endpoint, &form).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    let result = browser.get(app.url(&format!("/users/imports/{id}/result.csv"))).send().await.unwrap();
    assert_eq!(result.status(), StatusCode::NOT_FOUND);
    let listed: serde_json::Value = app.call(&browser, "list_imports", &[]).await.json().await.unwrap();
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(0), "{listed}");
    assert_eq!(statuses(&app).await, vec![invitation::Status::Revoked, invitation::Status::Revoked], "run-out invitations are revoked too");
    let sheet = print_handouts(&app.state.db, &boss, &app.state.settings, app.clock.now(), id).await;
    assert!(matches!(sheet, Err(AppError::Invalid(_))), "nobody can renew their codes now: {sheet:?}");
    let seen = progress(&app.state.db, &boss, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((seen.id, seen.counts.sent), (id, 2), "the Corporate Admin still sees it");
}

#[tokio::test]
async fn a_sheet_leaves_out_workers_in_archived_units_and_counts_one_attempt_toward_the_hour() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "4")]).await;
    app.department("Quality").await;
    let plant = app.location("Plant 2").await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let file = "employee_number,first_name,last_name,department,location\n\
        40123,Ana,Brandt,Quality,Plant 2\n40124,Bo,Adams,Quality,\n40125,Cy,Young,Quality,\n";
    let id = start_file(&app, &boss, file).await;
    drive(&app, id).await;
    set_archived(&app.state.db, &boss, UnitKind::Location, plant, true, app.clock.now()).await.unwrap();
    let before = progress(&app.state.db, &boss, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!(before.handouts_ready, 2, "the worker in the archived location is not offered");

    let cards = print_handouts(&app.state.db, &boss, &app.state.settings, app.clock.now(), id).await.unwrap();

    let names: Vec<&str> = cards.iter().map(|c| c.handout.name.as_str()).collect();
    assert_eq!(names, vec!["Bo Adams", "Cy Young"]);
    let attempts = app::ssr::entities::invite_attempt::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(attempts, 4, "three workers sent, and one sheet");
    let again = print_handouts(&app.state.db, &boss, &app.state.settings, app.clock.now(), id).await;
    assert!(matches!(again, Err(AppError::RateLimited { limit: 4, .. })), "{again:?}");
    // The refused sheet changed no code.
    assert_joined(&app, setup(&app, "10.0.0.1", form("40124", &cards[0].handout.setup_code, "482139")).await, "40124").await;
}

#[tokio::test]
async fn a_team_lead_gets_403_from_every_import_server_function() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let boss: Actor = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let id = start_file(&app, &boss, WORKERS).await.to_string();
    let lead = app.signed_in_as(Role::TeamLead, Some(quality)).await;
    for endpoint in ["print_handouts", "import_progress", "import_rows", "cancel_import", "list_imports"] {
        let form: &[(&str, &str)] = if endpoint == "list_imports" { &[] } else { &[("id", id.as_str())] };
        let response = app.call(&lead, endpoint, form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
    }
}
