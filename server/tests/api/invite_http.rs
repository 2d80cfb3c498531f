//! The invitation rules as a browser (or a forger) reaches them: through HTTP.

use crate::helpers::spawn_app;
use app::domain::Role;
use app::ssr::entities::invitation;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};
use std::collections::BTreeMap;

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

async fn duplicate_time(app: &crate::helpers::TestApp, client: &reqwest::Client, email: &str) -> f64 {
    let start = std::time::Instant::now();
    let response = app.call(client, "send_invitation", &[("email", email), ("role", "employee")]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    start.elapsed().as_secs_f64()
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::test]
async fn the_two_duplicate_cases_take_indistinguishable_time() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;
    app.user("member@example.com", Role::Employee, None).await;
    app.call(&client, "send_invitation", &[("email", "invited@example.com"), ("role", "employee")]).await;

    // Interleaved, so a busy moment on the machine lands on both sides alike.
    let (mut accounts, mut pendings) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        accounts.push(duplicate_time(&app, &client, "member@example.com").await);
        pendings.push(duplicate_time(&app, &client, "invited@example.com").await);
    }
    let (account, pending) = (median(accounts), median(pendings));

    // Both run the same single query; a factor of two leaves room for a busy machine while
    // still catching an early return on one path.
    let ratio = account / pending;
    assert!((0.5..2.0).contains(&ratio), "account {account:.5}s vs pending {pending:.5}s");
}
