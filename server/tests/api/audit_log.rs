//! The Audit log: what admins see, filtered, paginated and scoped by department.

use crate::helpers::{TestApp, client, spawn_app};
use app::domain::Role;
use app::invitations::service::{resend, revoke};
use app::ssr::Clock;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::Value;

/// The Audit log as `browser` sees it, through the server function the page calls.
async fn audit_page(app: &TestApp, browser: &reqwest::Client, fields: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = app.call(browser, "list_audit_events", fields).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    (status, serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}")))
}

fn events(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap_or_else(|| panic!("not a page: {page}")).iter().map(|e| format!("{} {}", e["event"].as_str().unwrap(), e["subject"].as_str().unwrap())).collect()
}

#[tokio::test]
async fn sent_resent_and_revoked_invitations_are_listed_newest_first_with_actor_and_details() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    let browser = client();
    app.sign_in(&browser, "erin@example.com").await;
    let id = app.invite(&admin, "nia@example.com", Role::Employee, Some(quality)).await.unwrap();
    app.clock.advance(Duration::minutes(1));
    resend(&app.state.db, &admin, &app.state.settings, &app.state.outbox, app.clock.now(), id).await.unwrap();
    app.clock.advance(Duration::minutes(1));
    revoke(&app.state.db, &admin, app.clock.now(), id).await.unwrap();

    let (status, page) = audit_page(&app, &browser, &[]).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        events(&page),
        vec![
            "Invitation revoked Invitation to nia@example.com",
            "Invitation resent Invitation to nia@example.com",
            "Invitation sent Invitation to nia@example.com",
            // The department the test made, by the operator (the server's CLI does the same).
            "Unit added Department Quality",
        ]
    );
    let sent = &page["items"][2];
    assert_eq!(sent["actor"], "Person erin@example.com");
    let details: Vec<(String, String)> = serde_json::from_value(sent["details"].clone()).unwrap();
    assert!(details.contains(&("Role".into(), "Employee".into())));
    assert!(details.contains(&("Department".into(), "Quality".into())));
}

#[tokio::test]
async fn department_admins_see_their_own_department_only_and_others_no_log_at_all() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    let corporate = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    app.invite(&corporate, "q@example.com", Role::Employee, Some(quality)).await.unwrap();
    app.invite(&corporate, "h@example.com", Role::Employee, Some(hr)).await.unwrap();
    app.invite(&corporate, "none@example.com", Role::Employee, None).await.unwrap();
    let quality_admin = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;
    let team_lead = app.signed_in_as(Role::TeamLead, Some(quality)).await;
    let everyone = client();
    app.sign_in(&everyone, "erin@example.com").await;

    let (_, own) = audit_page(&app, &quality_admin, &[]).await;
    let (_, all) = audit_page(&app, &everyone, &[]).await;
    let (refused, _) = audit_page(&app, &team_lead, &[]).await;

    assert_eq!(events(&own), vec!["Invitation sent Invitation to q@example.com", "Unit added Department Quality"]);
    assert_eq!(all["total"], 3 + 2, "three invitations, and the two departments added");
    assert_eq!(refused, StatusCode::FORBIDDEN);
    assert_eq!(app.page(&team_lead, "/audit-log").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.page(&quality_admin, "/audit-log").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_log_filters_by_event_type_and_by_days_in_the_viewers_time_zone() {
    let app = spawn_app().await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    let start = app.clock.now();
    let first_id = app.invite(&admin, "first@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(Duration::days(2));
    app.invite(&admin, "second@example.com", Role::Employee, None).await.unwrap();
    revoke(&app.state.db, &admin, app.clock.now(), first_id).await.unwrap();
    let browser = client();
    app.sign_in(&browser, "erin@example.com").await;
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
    let later = day(start + Duration::days(1));

    let (_, sent) = audit_page(&app, &browser, &[("filter[event]", "invitation.sent")]).await;
    let (_, recent) = audit_page(&app, &browser, &[("filter[from]", later.as_str())]).await;
    let (_, early) = audit_page(&app, &browser, &[("filter[to]", day(start).as_str())]).await;
    let (bad, _) = audit_page(&app, &browser, &[("filter[from]", "tomorrow")]).await;

    assert_eq!(events(&sent), vec!["Invitation sent Invitation to second@example.com", "Invitation sent Invitation to first@example.com"]);
    assert_eq!(events(&recent), vec!["Invitation revoked Invitation to first@example.com", "Invitation sent Invitation to second@example.com"]);
    assert_eq!(events(&early), vec!["Invitation sent Invitation to first@example.com"]);
    assert_eq!(bad, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_day_is_the_viewers_day_east_and_west_of_utc() {
    let app = spawn_app().await;
    // One invitation at 23:30 UTC on the 1st and one an hour later: in Berlin (UTC+1) both are
    // on the 2nd, in New York (UTC-5) both on the 1st, in UTC one on each day.
    app.clock.set("2026-12-01T23:30:00Z".parse().unwrap());
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    app.invite(&admin, "late@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(Duration::hours(1));
    app.invite(&admin, "early@example.com", Role::Employee, None).await.unwrap();
    let browser = client();
    app.sign_in(&browser, "erin@example.com").await;
    let sent_on = async |day: &str, tz: &str| {
        let fields = [("filter[event]", "invitation.sent"), ("filter[from]", day), ("filter[to]", day), ("filter[tz]", tz)];
        let (status, page) = audit_page(&app, &browser, &fields).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        events(&page).len()
    };

    assert_eq!((sent_on("2026-12-01", "0").await, sent_on("2026-12-02", "0").await), (1, 1), "in UTC");
    assert_eq!((sent_on("2026-12-01", "60").await, sent_on("2026-12-02", "60").await), (0, 2), "in Berlin");
    assert_eq!((sent_on("2026-12-01", "-300").await, sent_on("2026-12-02", "-300").await), (2, 0), "in New York");
}

#[tokio::test]
async fn the_log_is_paginated_twenty_five_to_a_page_even_when_events_share_a_moment() {
    let app = spawn_app().await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    let browser = client();
    app.sign_in(&browser, "erin@example.com").await;
    for n in 0..27 {
        app.invite(&admin, &format!("p{n}@example.com"), Role::Employee, None).await.unwrap();
    }

    // The test clock stands still: all 27 events have the same time, and the id orders them.
    let (_, first) = audit_page(&app, &browser, &[]).await;
    let after = first["next"].to_string();
    let (_, second) = audit_page(&app, &browser, &[("after", &after)]).await;

    assert_eq!((first["items"].as_array().unwrap().len(), first["total"].as_u64()), (25, Some(27)));
    assert_eq!(events(&first)[0], "Invitation sent Invitation to p26@example.com");
    assert_eq!(events(&second), vec!["Invitation sent Invitation to p1@example.com", "Invitation sent Invitation to p0@example.com"]);
    assert!(second["next"].is_null());
}
