//! Accepting an invitation over HTTP: the link, the form, and completing sign-up.

use crate::helpers::{NEW_PASSWORD, TestApp, client, spawn_app};
use app::accept::dto::AcceptForm;
use app::accept::service::accept;
use app::domain::Role;
use app::error::AppError;
use app::invitations::service::{EmailInvite, revoke};
use app::organisation::dto::UnitKind;
use app::organisation::service::set_archived;
use app::ssr::{Actor, Clock};
use app::ssr::entities::{audit_event, invitation, user};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::Arc;

async fn admin(app: &TestApp) -> Actor {
    app.actor("erin@example.com", Role::CorporateAdmin, None).await
}

async fn users_with_email(app: &TestApp, email: &str) -> u64 {
    user::Entity::find().filter(user::Column::Email.eq(email)).count(&app.state.db).await.unwrap()
}

async fn create_events(app: &TestApp) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("user.created"))
        .all(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn following_the_link_moves_the_token_into_a_short_lived_cookie_and_out_of_the_address() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::Employee, None).await;

    let browser = client();
    let response = browser.get(app.url(&format!("/invitation/{token}"))).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/invitation");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with(&format!("onboard_invitation={token};")), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Max-Age=3600", "Path=/"] {
        assert!(cookie.contains(part), "{part} missing from {cookie}");
    }
}

#[tokio::test]
async fn the_page_shows_the_invitation_and_sends_no_referrer_and_nothing_from_other_origins() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let quality = app.department("Quality").await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::TeamLead, Some(quality)).await;
    let browser = app.follow_link(&token).await;

    let response = app.page(&browser, "/invitation").await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.starts_with("default-src 'self'; script-src 'self' 'nonce-"), "{csp}");
    let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline"), "inline scripts need the nonce: {csp}");
    let html = response.text().await.unwrap();
    for shown in ["Person erin@example.com", "Team Lead", "Quality", "nia@example.com", "Set a password"] {
        assert!(html.contains(shown), "{shown} missing from the page");
    }
    assert!(!html.contains(&token), "the token is in the page");
    for attribute in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "action=\"http"] {
        assert!(!html.contains(attribute), "the page loads something from elsewhere: {attribute}");
    }
}

/// The page with its per-response script nonce blanked out.
fn without_nonce(html: String) -> String {
    match html.split("nonce=\"").nth(1).and_then(|rest| rest.split('"').next()) {
        Some(nonce) if !nonce.is_empty() => html.replace(nonce, "NONCE"),
        _ => html,
    }
}

#[tokio::test]
async fn every_invalid_link_gets_the_same_page_and_the_same_error() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let doomed = app.department("Doomed").await;
    let expired = app.invite_for_token(&admin, "expired@example.com", Role::Employee, None).await;
    let revoked = app.invite_for_token(&admin, "revoked@example.com", Role::Employee, None).await;
    let used = app.invite_for_token(&admin, "used@example.com", Role::Employee, None).await;
    let archived = app.invite_for_token(&admin, "archived@example.com", Role::Employee, Some(doomed)).await;
    let revoked_id = invitation::Entity::find()
        .filter(invitation::Column::Email.eq("revoked@example.com"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    revoke(&app.state.db, &admin, app.clock.now(), revoked_id).await.unwrap();
    let first = app.follow_link(&used).await;
    assert_eq!(app.accept(&first, &[]).await.status(), StatusCode::OK);
    set_archived(&app.state.db, &admin, UnitKind::Department, doomed, true, app.clock.now()).await.unwrap();
    // Links last 72 hours by default; this one is tried after that, the others before.
    let unknown = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned();

    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for token in [unknown, revoked, used, archived] {
        let browser = app.follow_link(&token).await;
        let page = app.page(&browser, "/invitation").await;
        assert_eq!(page.status(), StatusCode::GONE);
        pages.push(without_nonce(page.text().await.unwrap()));
        let refused = app.accept(&browser, &[]).await;
        assert_eq!(refused.status(), StatusCode::GONE);
        errors.push(refused.text().await.unwrap());
    }
    app.clock.advance(chrono::Duration::hours(73));
    let browser = app.follow_link(&expired).await;
    pages.push(without_nonce(app.page(&browser, "/invitation").await.text().await.unwrap()));
    errors.push(app.accept(&browser, &[]).await.text().await.unwrap());
    // No cookie at all.
    pages.push(without_nonce(app.page(&client(), "/invitation").await.text().await.unwrap()));

    assert!(pages[0].contains("This invitation link is no longer valid"), "{}", pages[0]);
    assert!(pages[0].contains("Ask your administrator for a new invitation"));
    for (n, page) in pages.iter().enumerate() {
        let at = page.bytes().zip(pages[0].bytes()).position(|(a, b)| a != b).unwrap_or(page.len().min(pages[0].len()));
        let around = |p: &str| p.get(at.saturating_sub(80)..(at + 80).min(p.len())).unwrap_or_default().to_owned();
        assert_eq!(page, &pages[0], "invalid-link page {n} differs: {} versus {}", around(page), around(&pages[0]));
    }
    assert_eq!(errors[0], "\"InvitationLinkInvalid\"", "the browser shows this error's one sentence");
    assert!(AppError::InvitationLinkInvalid.to_string().starts_with("This invitation link is no longer valid."));
    assert!(errors.iter().all(|e| e == &errors[0]), "the invalid-link errors differ: {errors:?}");
    assert_eq!(users_with_email(&app, "expired@example.com").await, 0);
    assert_eq!(users_with_email(&app, "archived@example.com").await, 0);
}

#[tokio::test]
async fn opening_the_link_five_times_with_get_and_head_does_not_use_it_up() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::Employee, None).await;
    let scanner = client();
    for _ in 0..5 {
        let get = scanner.get(app.url(&format!("/invitation/{token}"))).send().await.unwrap();
        assert_eq!(get.status(), StatusCode::SEE_OTHER);
        let head = scanner.head(app.url(&format!("/invitation/{token}"))).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.page(&scanner, "/invitation").await.status(), StatusCode::OK);
    }

    let browser = app.follow_link(&token).await;
    let response = app.accept(&browser, &[]).await;

    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    assert_eq!(users_with_email(&app, "nia@example.com").await, 1);
}

#[tokio::test]
async fn completing_sign_up_creates_an_active_user_from_the_invitation_and_signs_them_in() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let quality = app.department("Quality").await;
    let north = app.location("Plant North").await;
    let input = EmailInvite {
        email: "Nia@Example.com".into(),
        role: "team_lead".into(),
        department_id: Some(quality.into()),
        location_id: Some(north.into()),
    };
    app.send(&admin, input).await.unwrap();
    let token = app.token_for("Nia@example.com").await;
    let browser = app.follow_link(&token).await;

    let response = app.accept(&browser, &[("role", "corporate_admin")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "a smuggled field is refused");
    let response = app.accept(&browser, &[]).await;

    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let created = user::Entity::find().filter(user::Column::Email.eq("Nia@example.com")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(created.status.as_str(), "active");
    assert_eq!((created.role.as_str(), created.department_id, created.location_id), ("team_lead", Some(quality), Some(north)));
    assert_eq!(created.name, "Nia Ellis");
    assert_eq!(created.job_title.as_deref(), Some("Quality Inspector"));
    assert_eq!(created.preferred_language.as_deref(), Some("en"));
    assert!(created.password_hash.as_deref().unwrap().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    let inv = invitation::Entity::find().filter(invitation::Column::TokenHash.eq(app::ssr::tokens::hash_token(&token)))
        .one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((inv.status.as_str(), inv.accepted_user_id), ("accepted", Some(created.id)));
    let profile = app.page(&browser, "/profile").await;
    assert_eq!(profile.status(), StatusCode::OK, "the new user is signed in");
    let html = profile.text().await.unwrap();
    assert!(html.contains("Nia Ellis") && html.contains("Plant North") && html.contains("Quality Inspector"));
    assert!(html.contains("<dt>Department</dt><dd>Quality</dd>"), "the profile names the department");
    // And can sign in again later with the new password.
    let later = client();
    let signed_in = app.call(&later, "sign_in", &[("email", "nia@example.com"), ("password", NEW_PASSWORD)]).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_create_event_records_email_role_department_location_and_inviter() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let quality = app.department("Quality").await;
    let north = app.location("Plant North").await;
    let input = EmailInvite { email: "nia@example.com".into(), role: "employee".into(), department_id: Some(quality.into()), location_id: Some(north.into()) };
    app.send(&admin, input).await.unwrap();
    let browser = app.follow_link(&app.token_for("nia@example.com").await).await;

    assert_eq!(app.accept(&browser, &[]).await.status(), StatusCode::OK);

    let events = create_events(&app).await;
    assert_eq!(events.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details["email"], "nia@example.com");
    assert_eq!(details["role"], "Employee");
    assert_eq!(details["department"], "Quality");
    assert_eq!(details["location"], "Plant North");
    assert_eq!(details["invited_by"], "Person erin@example.com");
    assert_eq!(events[0].department_id, Some(quality));
    let joined = user::Entity::find().filter(user::Column::Email.eq("nia@example.com")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((events[0].actor_user_id, events[0].subject_type.as_str(), events[0].subject_id), (Some(joined.id), "user", Some(joined.id)), "the invitee made it, about themselves");
}

#[tokio::test]
async fn twenty_simultaneous_submits_of_one_link_create_exactly_one_user() {
    let app = Arc::new(spawn_app().await);
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::Employee, None).await;
    let mut browsers = Vec::new();
    for _ in 0..20 {
        browsers.push(app.follow_link(&token).await);
    }
    let start = Arc::new(tokio::sync::Barrier::new(20));

    let handles: Vec<_> = browsers
        .into_iter()
        .map(|browser| {
            let (app, start) = (app.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                let response = app.accept(&browser, &[]).await;
                (response.status(), response.text().await.unwrap())
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for handle in handles {
        outcomes.push(handle.await.unwrap());
    }

    let accepted = outcomes.iter().filter(|(status, _)| *status == StatusCode::OK).count();
    let refused = outcomes
        .iter()
        .filter(|(status, body)| *status == StatusCode::GONE && body == "\"InvitationLinkInvalid\"")
        .count();
    assert_eq!((accepted, refused), (1, 19), "{outcomes:?}");
    assert_eq!(users_with_email(&app, "nia@example.com").await, 1);
    assert_eq!(create_events(&app).await.len(), 1);
}

#[tokio::test]
async fn unknown_fields_are_rejected_and_nothing_is_created() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::Employee, None).await;
    let browser = app.follow_link(&token).await;

    let response = app.accept(&browser, &[("department_id", "1")]).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("unknown field `department_id`"));
    assert_eq!(users_with_email(&app, "nia@example.com").await, 0);
    assert_eq!(app.accept(&browser, &[]).await.status(), StatusCode::OK, "the link still works");
}

#[tokio::test]
async fn the_password_policy_refuses_short_common_and_email_passwords_and_keeps_the_link() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia.ellis@example.com", Role::Employee, None).await;
    let browser = app.follow_link(&token).await;
    let emoji: String = "🦀🏭🔧🌧️".chars().cycle().take(64).collect();

    for bad in ["elevenchars", "qwertyuiop123", "Password2024!", "I am nia.ellis at work"] {
        let response = app.accept(&browser, &[("password", bad), ("password_confirmation", bad)]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad} was accepted");
        let body = response.text().await.unwrap();
        assert!(body.contains("\"field\":\"password\""), "{bad}: {body}");
    }
    let mismatch = app.accept(&browser, &[("password_confirmation", "something else entirely")]).await;
    assert!(mismatch.text().await.unwrap().contains("password_confirmation"));
    let no_name = app.accept(&browser, &[("last_name", " ")]).await;
    assert!(no_name.text().await.unwrap().contains("last_name"));
    assert_eq!(users_with_email(&app, "nia.ellis@example.com").await, 0);

    let response = app.accept(&browser, &[("password", &emoji), ("password_confirmation", &emoji)]).await;

    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let signed_in = app.call(&client(), "sign_in", &[("email", "nia.ellis@example.com"), ("password", &emoji)]).await;
    assert_eq!(signed_in.status(), StatusCode::OK, "the whole emoji passphrase is the password");
    let truncated: String = emoji.chars().take(63).collect();
    let wrong = app.call(&client(), "sign_in", &[("email", "nia.ellis@example.com"), ("password", &truncated)]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED, "nothing is truncated");
}

#[tokio::test]
async fn a_failure_after_the_audit_insert_leaves_neither_user_nor_event() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::Employee, None).await;
    let db = &app.state.db;
    // The last write of the transaction, linking the invitation to the new user, fails.
    let (create, drop) = if crate::helpers::on_postgres() {
        (
            vec![
                "CREATE FUNCTION fail_link() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER fail_link BEFORE UPDATE OF accepted_user_id ON invitations FOR EACH ROW EXECUTE FUNCTION fail_link()",
            ],
            "DROP TRIGGER fail_link ON invitations",
        )
    } else {
        (
            vec!["CREATE TRIGGER fail_link BEFORE UPDATE OF accepted_user_id ON invitations BEGIN SELECT RAISE(ABORT, 'injected'); END"],
            "DROP TRIGGER fail_link",
        )
    };
    for sql in create {
        db.execute_unprepared(sql).await.unwrap();
    }
    let form = AcceptForm {
        password: NEW_PASSWORD.into(),
        password_confirmation: NEW_PASSWORD.into(),
        first_name: "Nia".into(),
        last_name: "Ellis".into(),
        language: "en".into(),
        ..Default::default()
    };

    let failed = accept(db, &app.state.settings, app.clock.now(), &token, form.clone()).await;

    assert_eq!(failed.err(), Some(AppError::Internal));
    assert_eq!(users_with_email(&app, "nia@example.com").await, 0);
    assert!(create_events(&app).await.is_empty());
    let inv = invitation::Entity::find().filter(invitation::Column::Email.eq("nia@example.com")).one(db).await.unwrap().unwrap();
    assert_eq!(inv.status.as_str(), "pending", "the invitation is not used up");
    db.execute_unprepared(drop).await.unwrap();
    accept(db, &app.state.settings, app.clock.now(), &token, form).await.expect("it works once the fault is gone");
    assert_eq!(users_with_email(&app, "nia@example.com").await, 1);
}

#[tokio::test]
async fn someone_signed_in_is_told_to_sign_out_first_and_gets_no_invitation_attached() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::QualityAdmin, Some(app.department("Quality").await)).await;
    let browser = app.signed_in_as(Role::Employee, None).await;
    let response = browser.get(app.url(&format!("/invitation/{token}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let page = app.page(&browser, "/invitation").await.text().await.unwrap();
    let refused = app.accept(&browser, &[]).await;

    assert!(page.contains("You are signed in as Person employee@example.com"), "{page}");
    assert!(page.contains("Sign out and continue"));
    assert!(!page.contains("Quality Admin"), "the invitation is not shown to the signed-in person");
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("Sign out first"));
    assert_eq!(users_with_email(&app, "nia@example.com").await, 0);
    let employee = user::Entity::find().filter(user::Column::Email.eq("employee@example.com")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(employee.role.as_str(), "employee", "the signed-in account is unchanged");

    let signed_out = app.call(&browser, "sign_out", &[("next", "/invitation")]).await;
    assert_eq!(signed_out.status(), StatusCode::OK);
    assert_eq!(app.accept(&browser, &[]).await.status(), StatusCode::OK, "after signing out it works");
}

#[tokio::test]
async fn the_new_user_is_listed_in_users_and_the_invitation_shows_accepted() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let admin_browser = client();
    let admin = app.actor("q.admin@example.com", Role::QualityAdmin, Some(quality)).await;
    app.sign_in(&admin_browser, "q.admin@example.com").await;
    let token = app.invite_for_token(&admin, "nia@example.com", Role::Employee, Some(quality)).await;
    let browser = app.follow_link(&token).await;
    assert_eq!(app.accept(&browser, &[]).await.status(), StatusCode::OK);

    let users = app.call(&admin_browser, "list_users", &[]).await.text().await.unwrap();
    let invitations = app.call(&admin_browser, "list_invitations", &[]).await.text().await.unwrap();

    assert!(users.contains("Nia Ellis") && users.contains("nia@example.com"), "{users}");
    assert!(invitations.contains("\"status\":\"Accepted\""), "{invitations}");
}

#[tokio::test]
async fn the_longest_first_and_last_names_the_form_allows_make_an_account() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.invite_for_token(&admin, "long@example.com", Role::Employee, None).await;
    let browser = app.follow_link(&token).await;
    let (first, last) = ("Á".repeat(100), "Ž".repeat(100));

    let response = app.accept(&browser, &[("first_name", &first), ("last_name", &last)]).await;

    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
    let created = user::Entity::find().filter(user::Column::Email.eq("long@example.com")).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(created.name.chars().count(), 201);
}
