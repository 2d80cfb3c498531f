//! Server functions through HTTP, as the browser calls them, with what they change; and links
//! and codes that die exactly when they should.

use crate::helpers::{TestApp, client, eventually, spawn_app, spawn_app_with};
use crate::imports::{drive, start_file};
use crate::setup::{assert_joined, form, handout, setup};
use app::domain::Role;
use app::people::service::reset_pin;
use app::ssr::Clock;
use app::ssr::entities::{audit_event, invitation};
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

async fn invitation_status(app: &TestApp, id: i32) -> invitation::Status {
    invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap().status
}

/// The events of `event_type`, oldest first.
async fn events_of(app: &TestApp, event_type: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find().filter(audit_event::Column::EventType.eq(event_type)).all(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn revoke_over_http_kills_the_link_records_who_did_it_and_is_refused_to_a_team_lead() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let admin = client();
    app.sign_in(&admin, "boss@example.com").await;
    let lead = app.signed_in_as(Role::TeamLead, Some(quality)).await;
    let id = app.invite(&boss, "nia@example.com", Role::Employee, Some(quality)).await.unwrap();
    let token = app.token_for("nia@example.com").await;
    let id_text = id.to_string();
    let form = [("id", id_text.as_str())];

    let by_lead = app.call(&lead, "revoke_invitation", &form).await;
    assert_eq!(by_lead.status(), StatusCode::FORBIDDEN);
    assert_eq!(invitation_status(&app, id).await, invitation::Status::Pending);
    assert!(events_of(&app, "invitation.revoked").await.is_empty());

    let by_admin = app.call(&admin, "revoke_invitation", &form).await;
    assert_eq!(by_admin.status(), StatusCode::OK);
    assert_eq!(invitation_status(&app, id).await, invitation::Status::Revoked);
    let revoked = events_of(&app, "invitation.revoked").await;
    assert_eq!(revoked.iter().map(|e| (e.actor_user_id, e.subject_id)).collect::<Vec<_>>(), [(Some(boss.user_id), Some(id))]);
    let browser = app.follow_link(&token).await;
    assert_eq!(app.accept(&browser, &[]).await.status(), StatusCode::GONE, "the mailed link is dead");
    let again = app.call(&admin, "revoke_invitation", &form).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST, "{}", again.text().await.unwrap());
    assert_eq!(events_of(&app, "invitation.revoked").await.len(), 1);
}

#[tokio::test]
async fn after_a_resend_the_link_in_the_first_mail_is_dead_and_the_new_one_works() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let admin = client();
    app.sign_in(&admin, "boss@example.com").await;
    let id = app.invite(&boss, "nia@example.com", Role::Employee, None).await.unwrap();
    let first = app.token_for("nia@example.com").await;

    let resent = app.call(&admin, "resend_invitation", &[("id", &id.to_string())]).await;
    assert_eq!(resent.status(), StatusCode::OK);
    let second = eventually("the new mail", async || Some(app.token_for("nia@example.com").await).filter(|t| *t != first)).await;

    let old = app.follow_link(&first).await;
    assert_eq!(app.accept(&old, &[]).await.status(), StatusCode::GONE, "the first mail's link died with the Resend");
    let new = app.follow_link(&second).await;
    assert_eq!(app.accept(&new, &[]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_link_works_one_second_before_it_runs_out_and_not_one_second_after() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let ttl = app.state.settings.invite_ttl;
    let early = app.invite_for_token(&boss, "early@example.com", Role::Employee, None).await;
    let late = app.invite_for_token(&boss, "late@example.com", Role::Employee, None).await;

    app.clock.advance(ttl - Duration::seconds(1));
    let in_time = app.follow_link(&early).await;
    assert_eq!(app.accept(&in_time, &[]).await.status(), StatusCode::OK, "one second before it runs out");
    app.clock.advance(Duration::seconds(2));
    let too_late = app.follow_link(&late).await;
    assert_eq!(app.accept(&too_late, &[]).await.status(), StatusCode::GONE, "one second after");
}

#[tokio::test]
async fn a_pin_reset_code_works_one_second_before_it_runs_out_and_not_one_second_after() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let mut workers = Vec::new();
    for number in ["E-1", "E-2"] {
        let issued = handout(&app, number).await;
        let id = setup(&app, "10.0.0.1", form(number, &issued.setup_code, "482139")).await.unwrap();
        workers.push(reset_pin(&app.state.db, &boss, &app.state.settings, app.clock.now(), id).await.unwrap());
    }
    let complete = async |number: &str, code: &str| {
        let form = [("employee_number", number), ("setup_code", code), ("secret", "731946"), ("secret_confirmation", "731946")];
        app.call(&client(), "complete_pin_reset", &form).await
    };
    // A PIN-reset code works as long as a setup code does: INVITE_TTL.
    let lifetime = app.state.settings.invite_ttl;

    app.clock.advance(lifetime - Duration::seconds(1));
    assert_eq!(complete("E-1", &workers[0].setup_code).await.status(), StatusCode::OK, "one second before it runs out");
    app.clock.advance(Duration::seconds(2));
    let too_late = complete("E-2", &workers[1].setup_code).await;
    assert_eq!(too_late.status(), StatusCode::BAD_REQUEST, "one second after");
    assert_eq!(too_late.text().await.unwrap(), "\"SetupCodeInvalid\"");
}

#[tokio::test]
async fn complete_pin_reset_over_http_refuses_a_wrong_code_and_signs_the_worker_in_with_the_right_one() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let issued = handout(&app, "E-7").await;
    let id = setup(&app, "10.0.0.1", form("E-7", &issued.setup_code, "482139")).await.unwrap();
    let reset = reset_pin(&app.state.db, &boss, &app.state.settings, app.clock.now(), id).await.unwrap();
    let terminal = client();
    let attempt = async |code: &str| {
        let form = [("employee_number", "E-7"), ("setup_code", code), ("secret", "731946"), ("secret_confirmation", "731946")];
        app.call(&terminal, "complete_pin_reset", &form).await
    };

    let wrong = attempt("0000-0000-0000").await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(wrong.headers().get("set-cookie").is_none(), "no session for a wrong code");
    let right = attempt(&reset.setup_code).await;
    assert_eq!(right.status(), StatusCode::OK);
    assert!(right.headers().get("set-cookie").is_some(), "the worker is signed in");
    let me: Value = app.call(&terminal, "get_current_user", &[]).await.json().await.unwrap();
    assert_eq!(me["id"].as_i64(), Some(i64::from(id)), "signed in as the worker: {me}");
    let sign_in = app.call(&client(), "sign_in", &[("email", "E-7"), ("password", "731946")]).await;
    assert_eq!(sign_in.status(), StatusCode::OK, "the new PIN works");
    let old_pin = app.call(&client(), "sign_in", &[("email", "E-7"), ("password", "482139")]).await;
    assert_eq!(old_pin.status(), StatusCode::UNAUTHORIZED, "the old PIN does not");
}

#[tokio::test]
async fn an_import_is_followed_cancelled_and_printed_over_http() {
    // Room for two invitations this hour: two workers are sent, the third waits.
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "2")]).await;
    app.department("Quality").await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let admin = client();
    app.sign_in(&admin, "boss@example.com").await;
    let file = "employee_number,first_name,last_name,department\n40123,Ana,Brandt,Quality\n40124,Bo,Adams,Quality\n40125,Cy,Young,Quality\n";
    let id = start_file(&app, &boss, file).await;
    drive(&app, id).await;
    let id_text = id.to_string();
    let id_form = [("id", id_text.as_str())];
    let progress = async || -> Value { app.call(&admin, "import_progress", &id_form).await.json().await.unwrap() };

    let waiting = progress().await;
    assert_eq!(waiting["state"]["Waiting"]["count"].as_u64(), Some(1), "{waiting}");
    assert_eq!((waiting["counts"]["sent"].as_u64(), waiting["counts"]["waiting"].as_u64()), (Some(2), Some(1)), "{waiting}");
    assert_eq!((waiting["handouts_ready"].as_u64(), waiting["can_cancel"].as_bool()), (Some(2), Some(true)), "{waiting}");

    let cancelled = app.call(&admin, "cancel_import", &id_form).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    app.clock.advance(Duration::hours(2));
    drive(&app, id).await;
    let over = progress().await;
    assert_eq!(over["state"], "Cancelled", "{over}");
    assert_eq!((over["counts"]["sent"].as_u64(), over["counts"]["cancelled"].as_u64()), (Some(2), Some(1)), "{over}");
    assert_eq!(invitation::Entity::find().all(&app.state.db).await.unwrap().len(), 2, "the cancelled worker was never invited");

    // The hour has room again for the sheet (it counts as one invitation).
    let printed = app.call(&admin, "print_handouts", &id_form).await;
    assert_eq!(printed.status(), StatusCode::OK);
    let cards: Value = printed.json().await.unwrap();
    let cards = cards.as_array().unwrap();
    let mut names: Vec<&str> = cards.iter().map(|c| c["handout"]["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["Ana Brandt", "Bo Adams"], "{cards:?}");
    for card in cards {
        let number = card["handout"]["employee_number"].as_str().unwrap();
        let code = card["handout"]["setup_code"].as_str().unwrap();
        assert_joined(&app, setup(&app, "10.0.0.1", form(number, code, "482139")).await, number).await;
    }
}
