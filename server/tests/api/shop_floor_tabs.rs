//! Shop-floor people everywhere else: Resend and Revoke in the Invitations tab, and the Users
//! tab's employee number and "Shop-floor" marker.

use app::dto::PageAt;
use crate::setup::{assert_joined, form, handout, setup};
use crate::helpers::{published, spawn_app};
use app::domain::Role;
use app::error::AppError;
use app::invitations::service::{invite_shop_floor, remaining_this_hour, resend, revoke};
use app::ssr::Clock;
use app::ssr::entities::{audit_event, invitation, outbox};
use app::users::service::list_users;
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn resend_issues_a_new_handout_and_the_old_code_stops_working() {
    let app = spawn_app().await;
    let first = handout(&app, "E-4577").await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.clock.advance(Duration::hours(2));

    let second = resend(&app.state.db, &admin, &app.state.settings, &app.state.outbox, app.clock.now(), first.invitation_id)
        .await
        .unwrap()
        .expect("a shop-floor resend answers a new handout");

    assert_ne!(second.setup_code, first.setup_code);
    assert_eq!((second.name.as_str(), second.employee_number.as_str()), ("Ola Nowak", "E-4577"));
    assert_eq!(second.expires_at, (app.clock.now() + Duration::hours(72)).into());
    assert!(second.qr_svg.starts_with("<svg") && second.setup_link.ends_with(&second.setup_code.replace('-', "")));
    let old = setup(&app, "10.0.0.1", form("E-4577", &first.setup_code, "482139")).await;
    assert_eq!(old, Err(AppError::SetupCodeInvalid));
    assert_joined(&app, setup(&app, "10.0.0.1", form("E-4577", &second.setup_code, "482139")).await, "E-4577").await;
    let handouts = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("invitation.handout_issued"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(handouts.len(), 2);
    assert!(handouts.iter().all(|e| !e.details.contains(&second.setup_code.replace('-', ""))), "no code in the log");
    assert_eq!(remaining_this_hour(&app.state.db, admin.user_id, app.clock.now(), 30).await.unwrap(), 29);
    let mails = outbox::Entity::find().count(&app.state.db).await.unwrap();
    assert_eq!(mails, 0, "a worker without email gets no mail");
}

#[tokio::test]
async fn a_code_killed_by_wrong_guesses_is_replaced_by_resend_with_a_fresh_count() {
    let app = spawn_app().await;
    let first = handout(&app, "E-4577").await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    for _ in 0..published::WRONG_CODES_PER_CODE {
        assert_eq!(setup(&app, "10.0.0.1", form("E-4577", "0000-0000-0000", "482139")).await, Err(AppError::SetupCodeInvalid));
    }

    let second = resend(&app.state.db, &admin, &app.state.settings, &app.state.outbox, app.clock.now(), first.invitation_id).await.unwrap().unwrap();

    let stored = invitation::Entity::find_by_id(first.invitation_id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((stored.status.as_str(), stored.failed_attempts), ("pending", 0));
    assert_joined(&app, setup(&app, "10.0.0.2", form("E-4577", &second.setup_code, "482139")).await, "E-4577").await;
}

#[tokio::test]
async fn resend_is_refused_once_the_number_belongs_to_someone_else() {
    let app = spawn_app().await;
    let first = handout(&app, "E-4577").await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.clock.advance(Duration::hours(73));
    // The first handout ran out and the number was given a new one, which the worker used.
    let input = crate::shop_floor::worker("E-4577", Role::Employee, None);
    let newer = invite_shop_floor(&app.state.db, &admin, &app.state.settings, app.clock.now(), input).await.unwrap();
    setup(&app, "10.0.0.1", form("E-4577", &newer.setup_code, "482139")).await.unwrap();

    let again = resend(&app.state.db, &admin, &app.state.settings, &app.state.outbox, app.clock.now(), first.invitation_id).await;

    assert_eq!(again.unwrap_err(), AppError::EmployeeNumberUnavailable);
    assert_eq!(remaining_this_hour(&app.state.db, admin.user_id, app.clock.now(), 30).await.unwrap(), 28, "it still counts");
}

#[tokio::test]
async fn revoke_kills_a_shop_floor_code_at_once() {
    let app = spawn_app().await;
    let issued = handout(&app, "E-4577").await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    revoke(&app.state.db, &admin, app.clock.now(), issued.invitation_id).await.unwrap();

    let after = setup(&app, "10.0.0.1", form("E-4577", &issued.setup_code, "482139")).await;
    assert_eq!(after, Err(AppError::SetupCodeInvalid));
    let stored = invitation::Entity::find_by_id(issued.invitation_id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(stored.status.as_str(), "revoked");
}

#[tokio::test]
async fn over_http_resend_answers_a_handout_for_a_worker_and_nothing_for_an_email_invitee() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::CorporateAdmin, None).await;
    let form = [("first_name", "Ola"), ("last_name", "Nowak"), ("employee_number", "E-9"), ("role", "employee")];
    let issued: serde_json::Value = app.call(&admin, "invite_shop_floor", &form).await.json().await.unwrap();
    let invited = app.call(&admin, "send_invitation", &[("email", "new@example.com"), ("role", "employee")]).await;
    assert_eq!(invited.status(), StatusCode::OK);
    let email_id = invitation::Entity::find()
        .filter(invitation::Column::EmailCanonical.eq("new@example.com"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;

    let worker_id = issued["invitation_id"].to_string();
    let for_worker = app.call(&admin, "resend_invitation", &[("id", worker_id.as_str())]).await;
    let for_email = app.call(&admin, "resend_invitation", &[("id", email_id.to_string().as_str())]).await;

    assert_eq!(for_worker.status(), StatusCode::OK);
    let renewed: serde_json::Value = for_worker.json().await.unwrap();
    assert_eq!(renewed["employee_number"], "E-9");
    assert_ne!(renewed["setup_code"], issued["setup_code"]);
    assert_eq!(for_email.text().await.unwrap(), "null");
}

#[tokio::test]
async fn the_users_tab_shows_a_worker_with_their_number_and_a_shop_floor_marker() {
    let app = spawn_app().await;
    let issued = handout(&app, "E-4577").await;
    setup(&app, "10.0.0.1", form("E-4577", &issued.setup_code, "482139")).await.unwrap();
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    let listed = list_users(&app.state.db, &admin, app.clock.now(), &Default::default(), PageAt::First).await.unwrap();
    let page = app.page(&app.signed_in_as(Role::CorporateAdmin, None).await, "/users").await.text().await.unwrap();

    let worker = listed.items.iter().find(|u| u.name == "Ola Nowak").expect("the worker is listed");
    assert_eq!((worker.employee_number.as_deref(), worker.email.as_deref()), (Some("E-4577"), None));
    let row = page.split("<tr").find(|r| r.contains("Ola Nowak")).expect("a row for the worker");
    assert!(row.contains("E-4577") && row.contains("Shop-floor"), "{row}");
}
