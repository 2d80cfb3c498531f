use crate::helpers::spawn_app;
use app::domain::Role;
use reqwest::StatusCode;

#[tokio::test]
async fn the_corporate_admin_adds_renames_and_archives_departments() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    let added = app.call(&client, "add_unit", &[("kind", "Department"), ("name", "  Quality  Control ")]).await;
    assert_eq!(added.status(), StatusCode::OK);
    let unit: serde_json::Value = added.json().await.unwrap();
    assert_eq!(unit["name"], "Quality Control");
    let id = unit["id"].to_string();

    let duplicate = app.call(&client, "add_unit", &[("kind", "Department"), ("name", "quality control")]).await;
    assert_eq!(duplicate.status(), StatusCode::BAD_REQUEST);
    assert!(duplicate.text().await.unwrap().contains("A department with this name already exists."));

    let renamed = app.call(&client, "rename_unit", &[("kind", "Department"), ("id", &id), ("name", "Quality")]).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let archived = app.call(&client, "set_unit_archived", &[("kind", "Department"), ("id", &id), ("archived", "true")]).await;
    assert_eq!(archived.status(), StatusCode::OK);

    let list: serde_json::Value = app.call(&client, "list_units", &[("kind", "Department")]).await.json().await.unwrap();
    assert_eq!(list[0]["name"], "Quality");
    assert_eq!(list[0]["archived"], true);
}

#[tokio::test]
async fn department_admins_cannot_change_the_organisation_and_do_not_see_archived_units() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let old = app.department("Old Plant Office").await;
    let corporate = app.signed_in_as(Role::CorporateAdmin, None).await;
    app.call(&corporate, "set_unit_archived", &[("kind", "Department"), ("id", &old.to_string()), ("archived", "true")]).await;
    let client = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;

    let add = app.call(&client, "add_unit", &[("kind", "Location"), ("name", "Anywhere")]).await;
    let rename = app.call(&client, "rename_unit", &[("kind", "Department"), ("id", &quality.to_string()), ("name", "Mine")]).await;
    let list = app.call(&client, "list_units", &[("kind", "Department")]).await.text().await.unwrap();

    assert_eq!(add.status(), StatusCode::FORBIDDEN);
    assert_eq!(rename.status(), StatusCode::FORBIDDEN);
    assert!(list.contains("Quality"));
    assert!(!list.contains("Old Plant Office"), "{list}");
}

#[tokio::test]
async fn renaming_a_missing_unit_says_it_was_not_found() {
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    let response = app.call(&client, "rename_unit", &[("kind", "Location"), ("id", "999"), ("name", "Nowhere")]).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn adding_renaming_archiving_and_restoring_units_is_audited_with_who_and_what() {
    use app::ssr::entities::audit_event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;
    let boss = app::ssr::entities::user::Entity::find()
        .filter(app::ssr::entities::user::Column::EmailCanonical.eq("corporate.admin@example.com"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    app.location("Plant 2").await;
    let added: serde_json::Value = app.call(&client, "add_unit", &[("kind", "Department"), ("name", "Paint")]).await.json().await.unwrap();
    let id = added["id"].to_string();
    let admin = app.actor("qa@example.com", Role::CorporateAdmin, None).await;
    let department = added["id"].as_i64().unwrap() as i32;
    app.invite(&admin, "waiting@example.com", Role::Employee, Some(department)).await.unwrap();
    app.invite(&admin, "also@example.com", Role::Employee, Some(department)).await.unwrap();

    let calls = [
        ("rename_unit", vec![("kind", "Department"), ("id", id.as_str()), ("name", "Paint Shop")]),
        ("rename_unit", vec![("kind", "Department"), ("id", id.as_str()), ("name", "Paint Shop")]),
        ("set_unit_archived", vec![("kind", "Department"), ("id", id.as_str()), ("archived", "true")]),
        ("set_unit_archived", vec![("kind", "Department"), ("id", id.as_str()), ("archived", "true")]),
        ("set_unit_archived", vec![("kind", "Department"), ("id", id.as_str()), ("archived", "false")]),
    ];
    for (endpoint, form) in calls {
        assert_eq!(app.call(&client, endpoint, &form).await.status(), StatusCode::OK, "{endpoint} {form:?}");
    }

    let events: Vec<audit_event::Model> = audit_event::Entity::find().order_by_asc(audit_event::Column::Id).all(&app.state.db).await.unwrap();
    let units: Vec<(&str, Option<i32>, Option<i32>, serde_json::Value)> = events
        .iter()
        .filter(|e| e.event_type.starts_with("unit."))
        .map(|e| (e.event_type.as_str(), e.actor_user_id, e.department_id, serde_json::from_str(&e.details).unwrap()))
        .collect();
    let department = Some(department);
    assert_eq!(units, vec![
        ("unit.added", None, None, serde_json::json!({ "name": "Plant 2" })),
        ("unit.added", Some(boss), department, serde_json::json!({ "name": "Paint" })),
        ("unit.renamed", Some(boss), department, serde_json::json!({ "name": "Paint Shop", "from": "Paint", "to": "Paint Shop" })),
        ("unit.archived", Some(boss), department, serde_json::json!({ "name": "Paint Shop", "invitations_stopped": 2 })),
        ("unit.restored", Some(boss), department, serde_json::json!({ "name": "Paint Shop" })),
    ], "a change that changes nothing is not recorded");
    let log: serde_json::Value = app.call(&client, "list_audit_events", &[]).await.json().await.unwrap();
    let shown = log.to_string();
    assert!(shown.contains("Unit archived") && shown.contains("Department Paint Shop") && shown.contains("Pending invitations stopped"), "{shown}");
}
