use crate::helpers::{client, spawn_app};
use app::domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_sign_in() {
    let app = spawn_app().await;

    for path in ["/", "/users", "/users/invitations", "/organisation", "/profile"] {
        let response = app.page(&client(), path).await;

        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(response.headers()["location"], "/sign-in", "{path}");
    }
}

#[tokio::test]
async fn anonymous_server_function_calls_are_refused() {
    let app = spawn_app().await;

    let response = app.call(&client(), "list_users", &[]).await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn team_leads_and_employees_get_no_admin_pages_or_data() {
    let app = spawn_app().await;
    let department = app.department("Production").await;
    app.user("secret.person@example.com", Role::Employee, Some(department)).await;

    for role in [Role::TeamLead, Role::Employee] {
        let client = app.signed_in_as(role, Some(department)).await;

        for path in ["/users", "/users/invitations", "/organisation"] {
            let page = app.page(&client, path).await;
            assert_eq!(page.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
            let html = page.text().await.unwrap();
            assert!(html.contains("No access"));
            assert!(!html.contains("secret.person"), "{role:?} {path} leaks users");
        }
        for endpoint in ["list_users", "list_invitations"] {
            let response = app.call(&client, endpoint, &[]).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{role:?} {endpoint}");
        }
        let units = app.call(&client, "list_units", &[("kind", "Department")]).await;
        assert_eq!(units.status(), StatusCode::FORBIDDEN, "{role:?} list_units");
        let profile = app.page(&client, "/profile").await;
        assert_eq!(profile.status(), StatusCode::OK, "{role:?} profile");
    }
}

#[tokio::test]
async fn a_quality_admin_sees_only_their_own_department() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    app.user("inspector@example.com", Role::Employee, Some(quality)).await;
    app.user("recruiter@example.com", Role::Employee, Some(hr)).await;
    let client = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;

    let list = app.call(&client, "list_users", &[]).await;
    let page = app.page(&client, "/users").await;

    assert_eq!(list.status(), StatusCode::OK);
    let list = list.text().await.unwrap();
    assert!(list.contains("inspector@example.com"));
    assert!(!list.contains("recruiter@example.com"), "{list}");
    let html = page.text().await.unwrap();
    assert!(html.contains("inspector@example.com"));
    assert!(!html.contains("recruiter@example.com"));
}

#[tokio::test]
async fn the_corporate_admin_sees_everyone_with_role_and_department() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    app.user("inspector@example.com", Role::Employee, Some(quality)).await;
    app.user("recruiter@example.com", Role::TeamLead, Some(hr)).await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    let page = app.page(&client, "/users").await;

    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for expected in ["inspector@example.com", "recruiter@example.com", "Team Lead", "Quality", "HR", "Invitations"] {
        assert!(html.contains(expected), "missing {expected}");
    }
}

#[tokio::test]
async fn the_users_list_is_paginated() {
    let app = spawn_app().await;
    for n in 0..30 {
        app.user(&format!("person{n:02}@example.com"), Role::Employee, None).await;
    }
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    let first: serde_json::Value = app.call(&client, "list_users", &[]).await.json().await.unwrap();
    let after = first["next"].to_string();
    let second: serde_json::Value = app.call(&client, "list_users", &[("after", &after)]).await.json().await.unwrap();
    let before = second["previous"].to_string();
    let back: serde_json::Value = app.call(&client, "list_users", &[("before", &before)]).await.json().await.unwrap();

    assert_eq!(first["total"], 31);
    assert_eq!(first["items"].as_array().unwrap().len(), 25);
    assert!(first["previous"].is_null());
    assert_eq!(second["items"].as_array().unwrap().len(), 6);
    assert!(second["next"].is_null());
    assert_eq!(back["items"], first["items"]);
    assert!(back["previous"].is_null(), "the page before the second is the first: {back}");
}
