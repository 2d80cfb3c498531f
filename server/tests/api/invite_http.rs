//! The invitation rules as a browser (or a forger) reaches them: through HTTP.

use crate::helpers::spawn_app;
use app::domain::Role;
use app::error::AppError;
use app::invitations::service::{EmailInvite, prepare_email_invite, write_email_invites};
use app::ssr::{Actor, Clock};
use app::ssr::entities::invitation;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

fn headers_without_date(response: &reqwest::Response) -> BTreeMap<String, String> {
    response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_department_admin_cannot_forge_another_department() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await.to_string();
    let client = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;

    let forged = app.call(&client, "send_invitation", &[("email", "x@example.com"), ("role", "employee"), ("department", &hr)]).await;
    let none = app.call(&client, "send_invitation", &[("email", "y@example.com"), ("role", "employee"), ("department", "")]).await;

    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert!(forged.text().await.unwrap().contains("own department"));
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
    assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn already_a_user_and_already_invited_get_byte_identical_responses() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;
    app.user("member@example.com", Role::Employee, None).await;
    let first = app.call(&client, "send_invitation", &[("email", "invited@example.com"), ("role", "employee")]).await;
    assert_eq!(first.status(), StatusCode::OK);

    let user = app.call(&client, "send_invitation", &[("email", "member@example.com"), ("role", "team_lead")]).await;
    let pending = app.call(&client, "send_invitation", &[("email", "invited@example.com"), ("role", "team_lead")]).await;

    assert_eq!(user.status(), StatusCode::CONFLICT);
    assert_eq!(user.status(), pending.status());
    assert_eq!(headers_without_date(&user), headers_without_date(&pending));
    let (a, b) = (user.bytes().await.unwrap(), pending.bytes().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(&a[..], b"\"InvitationUnavailable\"");
}

#[tokio::test]
async fn a_multi_valued_or_oversized_field_is_rejected() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;
    let huge = "x".repeat(100 * 1024);

    let twice = app.call(&client, "send_invitation", &[("email", "a@example.com"), ("email", "b@example.com"), ("role", "employee")]).await;
    let oversized = app.call(&client, "send_invitation", &[("email", &huge), ("role", "employee")]).await;

    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
    assert!(oversized.status().is_client_error(), "{}", oversized.status());
    assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn the_link_comes_from_public_url_never_from_request_headers() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    let response = client
        .post(app.url("/api/send_invitation"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .header("X-Forwarded-Proto", "https")
        .form(&[("email", "new@example.com"), ("role", "employee")])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let mail = app.captured_mail(1).await.remove(0);
    assert!(mail.contains("http://onboard.test/invitation/"));
    assert!(!mail.contains("evil.example"));
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_when_to_try_again() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;
    for n in 0..30 {
        let ok = app.call(&client, "send_invitation", &[("email", &format!("p{n}@example.com")), ("role", "employee")]).await;
        assert_eq!(ok.status(), StatusCode::OK);
    }

    let refused = app.call(&client, "send_invitation", &[("email", "p30@example.com"), ("role", "employee")]).await;

    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().await.unwrap().contains("RateLimited"));
}

#[tokio::test]
async fn the_dialog_options_fix_a_department_admins_department_and_count_what_is_left() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    app.department("HR").await;
    let client = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;
    app.call(&client, "send_invitation", &[("email", "a@example.com"), ("role", "employee"), ("department", &quality.to_string())]).await;

    let options: serde_json::Value = app.call(&client, "invite_options", &[]).await.json().await.unwrap();

    assert_eq!(options["fixed_department"]["name"], "Quality");
    assert_eq!(options["departments"], serde_json::json!([]));
    assert_eq!(options["remaining_this_hour"], 29);
    assert_eq!(options["hourly_limit"], 30);
}

#[tokio::test]
async fn the_users_page_has_the_invite_dialog_rendered_on_the_server() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    let html = app.page(&client, "/users").await.text().await.unwrap();

    for expected in ["Invite", "Shop-floor employee (no email)", "Send invitation", "Choose a role", "Quality Admin", "HR Admin", "Team Lead", "Employee", "<dialog"] {
        assert!(html.contains(expected), "missing {expected}");
    }
}

/// The statements (without their values) that inviting `email` runs when the address is
/// taken, through the same two steps the invitation writer takes, on a connection that logs them.
async fn statements_refusing(app: &crate::helpers::TestApp, actor: &Actor, email: &str) -> Vec<String> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut db = app.state.db.clone();
    let seen = log.clone();
    db.set_metric_callback(move |info| seen.lock().unwrap().push(info.statement.sql.clone()));
    let input = EmailInvite { email: email.into(), role: "employee".into(), department_id: None, location_id: None };
    let invite = prepare_email_invite(&db, actor, &app.state.settings, app.clock.now(), input).await.unwrap();
    let answers = write_email_invites(&db, 30, vec![invite]).await;
    assert_eq!(answers, [Err(AppError::InvitationUnavailable)], "{email}");
    log.lock().unwrap().clone()
}

#[tokio::test]
async fn the_two_duplicate_cases_run_the_same_statements() {
    let app = spawn_app().await;
    let admin = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    app.user("member@example.com", Role::Employee, None).await;
    app.invite(&admin, "invited@example.com", Role::Employee, None).await.unwrap();

    let member = statements_refusing(&app, &admin, "member@example.com").await;
    let invited = statements_refusing(&app, &admin, "invited@example.com").await;

    assert!(!member.is_empty(), "the statements were seen");
    assert_eq!(member, invited, "a taken address must not tell an account from a pending invitation by what it runs");
}
