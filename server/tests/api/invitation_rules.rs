//! The invitation rules, called through the service with a hand-driven clock.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use app::domain::Role;
use app::error::AppError;
use app::invitations::service::{EmailInvite, remaining_this_hour, send_email_invitation};
use app::domain::IdentityKind;
use app::policy::invitable_roles;
use app::ssr::{Actor, Clock};
use app::ssr::entities::{audit_event, invitation, outbox};
use app::ssr::tokens::hash_token;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

fn field(err: AppError) -> String {
    match err {
        AppError::Field { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_corporate_admin_may_invite_any_role_into_any_department_or_none() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    for (email, role, department) in [
        ("qa@example.com", Role::QualityAdmin, Some(quality)),
        ("hr@example.com", Role::HrAdmin, Some(hr)),
        ("lead@example.com", Role::TeamLead, Some(hr)),
        ("free@example.com", Role::Employee, None),
    ] {
        let id = app.invite(&corporate, email, role, department).await.unwrap();
        let stored = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((stored.email.as_deref(), stored.role, stored.department_id), (Some(email), role, department));
    }
    let no_department = app.invite(&corporate, "qa2@example.com", Role::QualityAdmin, None).await.unwrap_err();
    assert_eq!(field(no_department), "department", "a Quality Admin needs a department");
    let hr_no_department = app.invite(&corporate, "hr2@example.com", Role::HrAdmin, None).await.unwrap_err();
    assert_eq!(field(hr_no_department), "department");
}

#[tokio::test]
async fn quality_and_hr_admins_invite_only_into_their_own_department() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    for (n, (role, own, other)) in [(Role::QualityAdmin, quality, hr), (Role::HrAdmin, hr, quality)].into_iter().enumerate() {
        let admin = app.actor(&format!("admin{n}@example.com"), role, Some(own)).await;
        for (m, &invited) in invitable_roles(IdentityKind::Email).iter().enumerate() {
            let mine = app.invite(&admin, &format!("in{n}{m}@example.com"), invited, Some(own)).await;
            let elsewhere = app.invite(&admin, &format!("out{n}{m}@example.com"), invited, Some(other)).await;
            let nowhere = app.invite(&admin, &format!("none{n}{m}@example.com"), invited, None).await;

            let mine = mine.unwrap_or_else(|e| panic!("{role:?} inviting {invited:?} into own department: {e:?}"));
            let stored = invitation::Entity::find_by_id(mine).one(&app.state.db).await.unwrap().unwrap();
            assert_eq!((stored.role, stored.department_id), (invited, Some(own)));
            assert_eq!(field(elsewhere.unwrap_err()), "department", "{role:?} -> {invited:?} elsewhere");
            assert_eq!(field(nowhere.unwrap_err()), "department", "{role:?} -> {invited:?} nowhere");
        }
    }
    let stray = invitation::Entity::find().filter(invitation::Column::DepartmentId.ne(quality)).filter(invitation::Column::DepartmentId.ne(hr)).count(&app.state.db).await.unwrap();
    assert_eq!(stray, 0);
}

#[tokio::test]
async fn team_leads_and_employees_cannot_invite() {
    let app = spawn_app().await;
    let production = app.department("Production").await;
    for (n, role) in [Role::TeamLead, Role::Employee].into_iter().enumerate() {
        let actor = app.actor(&format!("p{n}@example.com"), role, Some(production)).await;

        let result = app.invite(&actor, "x@example.com", Role::Employee, Some(production)).await;

        assert_eq!(result, Err(AppError::Forbidden), "{role:?}");
    }
}

#[tokio::test]
async fn a_role_must_be_chosen_and_corporate_admin_is_not_offered() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    for role in ["", "corporate_admin", "superuser"] {
        let input = EmailInvite { email: "x@example.com".into(), role: role.into(), department_id: None, location_id: None };

        let result = app.send(&corporate, input).await;

        assert_eq!(field(result.unwrap_err()), "role", "{role:?}");
    }
}

#[tokio::test]
async fn unknown_and_archived_units_are_refused() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let old = app.department("Old").await;
    app::organisation::service::set_archived(&app.state.db, &corporate, app::organisation::dto::UnitKind::Department, old, true, app.clock.now()).await.unwrap();

    let unknown = app.invite(&corporate, "a@example.com", Role::Employee, Some(9999)).await;
    let archived = app.invite(&corporate, "b@example.com", Role::Employee, Some(old)).await;
    let input = EmailInvite { email: "c@example.com".into(), role: "employee".into(), department_id: None, location_id: Some(4242.into()) };
    let bad_location = app.send(&corporate, input).await;

    assert_eq!(field(unknown.unwrap_err()), "department");
    assert_eq!(field(archived.unwrap_err()), "department");
    assert_eq!(field(bad_location.unwrap_err()), "location");
}

#[tokio::test]
async fn an_invalid_email_is_a_field_error_and_creates_nothing() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    for bad in ["", "not-an-email", "a@b", &format!("{}@example.com", "x".repeat(300))] {
        let result = app.invite(&corporate, bad, Role::Employee, None).await;
        assert_eq!(field(result.unwrap_err()), "email", "{bad:?}");
    }
    assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn an_existing_account_and_a_pending_invitation_get_the_same_generic_error() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.user("member@example.com", Role::Employee, None).await;
    app.invite(&corporate, "invited@example.com", Role::Employee, None).await.unwrap();

    let account = app.invite(&corporate, "Member@EXAMPLE.com", Role::Employee, None).await;
    let pending = app.invite(&corporate, " invited@example.com ", Role::TeamLead, None).await;

    assert_eq!(account, Err(AppError::InvitationUnavailable));
    assert_eq!(pending, Err(AppError::InvitationUnavailable));
}

#[tokio::test]
async fn duplicate_attempts_count_against_the_hourly_limit() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.user("member@example.com", Role::Employee, None).await;

    for _ in 0..3 {
        assert_eq!(app.invite(&corporate, "member@example.com", Role::Employee, None).await, Err(AppError::InvitationUnavailable));
    }

    let left = remaining_this_hour(&app.state.db, corporate.user_id, app.clock.now(), 30).await.unwrap();
    assert_eq!(left, 27);
}

#[tokio::test]
async fn what_is_left_this_hour_counts_only_attempts_inside_the_window() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let other = app.actor("other@example.com", Role::CorporateAdmin, None).await;
    let left = || async { remaining_this_hour(&app.state.db, corporate.user_id, app.clock.now(), 30).await.unwrap() };
    assert_eq!(left().await, 30, "nothing sent yet");
    for n in 0..4 {
        app.invite(&corporate, &format!("early{n}@example.com"), Role::Employee, None).await.unwrap();
    }
    app.invite(&other, "someone@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(chrono::Duration::minutes(40));
    for n in 0..2 {
        app.invite(&corporate, &format!("later{n}@example.com"), Role::Employee, None).await.unwrap();
    }
    assert_eq!(left().await, 24);

    app.clock.advance(chrono::Duration::minutes(21));

    assert_eq!(left().await, 28, "the first four have left the window; another admin's never counted");
}

#[tokio::test]
async fn the_31st_invitation_in_an_hour_is_refused_until_the_window_slides() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let first_sent = app.clock.now();
    for n in 0..30 {
        app.invite(&corporate, &format!("p{n}@example.com"), Role::Employee, None).await.unwrap();
        app.clock.advance(Duration::seconds(60));
    }

    let refused = app.invite(&corporate, "p30@example.com", Role::Employee, None).await;
    assert_eq!(refused, Err(AppError::RateLimited { limit: 30, retry_at: (first_sent + Duration::hours(1)).into() }));
    assert!(refused.unwrap_err().to_string().contains("up to 30 invitations per hour"));

    // 30 minutes after the first one: still 30 in the window.
    app.clock.advance(Duration::minutes(29));
    assert!(matches!(app.invite(&corporate, "p30@example.com", Role::Employee, None).await, Err(AppError::RateLimited { .. })));
    // Just past an hour after the first one, one place is free again, and only one.
    app.clock.set(first_sent + Duration::hours(1) + Duration::seconds(1));
    assert!(app.invite(&corporate, "p30@example.com", Role::Employee, None).await.is_ok());
    assert!(matches!(app.invite(&corporate, "p31@example.com", Role::Employee, None).await, Err(AppError::RateLimited { .. })));
}

/// Sends an email invitation to `email` as `actor` at `now`.
async fn send_at(app: &TestApp, actor: &Actor, email: String, now: DateTime<Utc>) -> Result<(i32, String), AppError> {
    let input = EmailInvite { email, role: "employee".into(), department_id: None, location_id: None };
    app.send_at(actor, input, now).await
}

#[tokio::test]
async fn an_attempt_that_reaches_the_database_late_counts_from_the_latest_time_already_recorded() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "2")]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let t = app.clock.now();
    let send = |email: &str, now| send_at(&app, &corporate, email.to_owned(), now);

    // Requests that read the clock in one order and reach the database in another, as
    // concurrent ones do: "b" read it before "a", and "d" before "c".
    let a = send("a@example.com", t + Duration::seconds(20)).await;
    let b = send("b@example.com", t).await;
    let c = send("c@example.com", t + Duration::hours(1) + Duration::seconds(20)).await;
    let d = send("d@example.com", t + Duration::hours(1) + Duration::seconds(10)).await;

    assert!(a.is_ok() && b.is_ok() && c.is_ok(), "{a:?} {b:?} {c:?}");
    // "b" counts from t + 20 s, the latest time already recorded, so at "d" the last hour
    // holds "b" and "c": two, the limit. Had "b" kept t, it would look gone and "d" pass.
    assert!(matches!(d, Err(AppError::RateLimited { limit: 2, .. })), "{d:?}");
}

#[tokio::test]
async fn a_raised_limit_is_just_as_exact() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "120")]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let start = app.clock.now();
    let send = |n: usize, now| send_at(&app, &corporate, format!("r{n}@example.com"), now);
    for n in 0..120 {
        send(n, start + Duration::seconds(n as i64)).await.unwrap();
    }

    let full = send(120, start + Duration::minutes(59)).await;
    // Three more leave the window by 1 h 2 s: places for exactly three.
    let later = start + Duration::hours(1) + Duration::seconds(2);
    let mut outcomes = Vec::new();
    for n in 121..125 {
        outcomes.push(send(n, later).await.is_ok());
    }

    assert!(matches!(full, Err(AppError::RateLimited { limit: 120, .. })), "{full:?}");
    assert_eq!(outcomes, [true, true, true, false]);
}

#[tokio::test]
async fn forty_concurrent_invitations_from_one_admin_send_exactly_thirty() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let now = app.clock.now();

    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let (db, writer, actor) = (app.state.db.clone(), app.invitations.clone(), corporate.clone());
            tokio::spawn(async move {
                let input = EmailInvite { email: format!("c{n}@example.com"), role: "employee".into(), department_id: None, location_id: None };
                send_email_invitation(&db, &writer, &actor, now, input).await
            })
        })
        .collect();
    let mut sent = 0;
    let mut limited = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => sent += 1,
            Err(AppError::RateLimited { .. }) => limited += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    assert_eq!((sent, limited), (30, 10));
    assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 30);
}

#[tokio::test]
async fn an_expired_invitation_does_not_block_inviting_the_same_address_again() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let first = app.invite(&corporate, "late@example.com", Role::Employee, None).await.unwrap();

    app.clock.advance(app.state.settings.invite_ttl + Duration::seconds(1));
    let second = app.invite(&corporate, "late@example.com", Role::Employee, None).await;

    let second = invitation::Entity::find_by_id(second.unwrap()).one(&app.state.db).await.unwrap().unwrap();
    let old = invitation::Entity::find_by_id(first).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(old.status.as_str(), "expired");
    assert_eq!((second.status.as_str(), second.email.as_deref()), ("pending", Some("late@example.com")));
    assert_ne!(second.token_hash, old.token_hash, "a new link");
}

#[tokio::test]
async fn invitation_outbox_mail_and_audit_event_are_written_together_and_only_a_hash_is_kept() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let north = app.location("Plant North").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let input = EmailInvite { email: "new@example.com".into(), role: "quality_admin".into(), department_id: Some(quality.into()), location_id: Some(north.into()) };

    let (id, address) = app.send(&corporate, input).await.unwrap();
    assert_eq!(address, "new@example.com");

    let inv = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(inv.expires_at, app.clock.now() + Duration::hours(72));
    let queued = outbox::Entity::find().filter(outbox::Column::InvitationId.eq(id)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(queued.to_address, "new@example.com");
    let mail = app.captured_mail(1).await.remove(0);
    let link_start = mail.find("http://onboard.test/invitation/").expect("the link is built from PUBLIC_URL");
    let token: String = mail[link_start..].trim_start_matches("http://onboard.test/invitation/").chars().take_while(|c| !c.is_whitespace()).collect();
    assert_eq!(token.len(), 43);
    assert_eq!(hash_token(&token), inv.token_hash);
    assert_ne!(inv.token_hash, token);
    let events = audit_event::Entity::find().filter(audit_event::Column::EventType.starts_with("invitation.")).all(&app.state.db).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, "invitation.sent");
    let details: serde_json::Value = serde_json::from_str(&events[0].details).unwrap();
    assert_eq!(details, serde_json::json!({"email": "new@example.com", "role": "Quality Admin", "department": "Quality", "location": "Plant North"}));
    assert!(!events[0].details.contains(&token) && !events[0].details.contains(&inv.token_hash));
}
