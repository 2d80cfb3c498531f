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
