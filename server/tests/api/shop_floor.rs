//! Shop-floor invitations (no email): the rules on the admin's side when issuing a handout.

use crate::helpers::{TestApp, spawn_app};
use app::domain::Role;
use app::error::AppError;
use app::invitations::service::{ShopFloorInvite, invite_shop_floor};
use app::ssr::entities::{audit_event, invitation};
use app::ssr::{Actor, Clock};
use reqwest::StatusCode;
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, QueryFilter};

pub fn worker(number: &str, role: Role, department_id: Option<i32>) -> ShopFloorInvite {
    ShopFloorInvite {
        first_name: "Ola".into(),
        last_name: "Nowak".into(),
        employee_number: number.into(),
        role: role.as_str().into(),
        department_id: department_id.map(Into::into),
        location_id: None,
    }
}

async fn issue(app: &TestApp, actor: &Actor, input: ShopFloorInvite) -> Result<app::invitations::dto::Handout, AppError> {
    invite_shop_floor(&app.state.db, actor, &app.state.settings, app.clock.now(), input).await
}

#[tokio::test]
async fn a_handout_carries_a_grouped_code_and_link_and_only_its_hash_is_stored() {
    let app = spawn_app().await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;

    let handout = issue(&app, &admin, worker(" E-4577 ", Role::Employee, None)).await.unwrap();

    assert_eq!((handout.name.as_str(), handout.employee_number.as_str()), ("Ola Nowak", "E-4577"));
    assert_eq!(handout.setup_code.len(), 14);
    let code = handout.setup_code.replace('-', "");
    assert_eq!(handout.setup_link, format!("http://onboard.test/setup/{code}"));
    assert_eq!(handout.expires_at, (app.clock.now() + chrono::Duration::hours(72)).into());
    assert!(handout.qr_svg.starts_with("<svg") && handout.qr_svg.contains("<path"), "{}", handout.qr_svg);
    let stored = invitation::Entity::find_by_id(handout.invitation_id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((stored.kind.to_value().as_str(), stored.status.as_str()), ("shop_floor", "pending"));
    assert_eq!(stored.token_hash, app::ssr::tokens::hash_token(&code));
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("invitation.handout_issued"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert!(events[0].details.contains("E-4577") && !events[0].details.contains(&code));
}

#[tokio::test]
async fn admin_roles_need_an_email_and_department_admins_stay_in_their_department() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    let quality_admin = app.actor("q@example.com", Role::QualityAdmin, Some(quality)).await;

    let admin_role = issue(&app, &quality_admin, worker("E-1", Role::QualityAdmin, Some(quality))).await;
    let elsewhere = issue(&app, &quality_admin, worker("E-2", Role::Employee, Some(hr))).await;
    let own = issue(&app, &quality_admin, worker("E-3", Role::TeamLead, Some(quality))).await;

    assert!(matches!(admin_role, Err(AppError::Field { ref field, .. }) if field == "role"), "{admin_role:?}");
    assert!(matches!(elsewhere, Err(AppError::Field { ref field, .. }) if field == "department"), "{elsewhere:?}");
    let own = invitation::Entity::find_by_id(own.unwrap().invitation_id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((own.employee_number.as_deref(), own.role, own.department_id), (Some("E-3"), Role::TeamLead, Some(quality)));
}

#[tokio::test]
async fn a_taken_employee_number_gets_one_generic_error_whatever_its_case_or_spacing() {
    let app = spawn_app().await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    issue(&app, &admin, worker("E-4577", Role::Employee, None)).await.unwrap();

    let again = issue(&app, &admin, worker("  e-4577", Role::Employee, None)).await;

    assert_eq!(again.unwrap_err(), AppError::EmployeeNumberUnavailable);
    app.clock.advance(chrono::Duration::hours(73));
    // An expired one does not block.
    let fresh = issue(&app, &admin, worker("E-4577", Role::Employee, None)).await.unwrap();
    assert_eq!(fresh.employee_number, "E-4577");
}

#[tokio::test]
async fn shop_floor_and_email_invitations_share_the_hourly_limit() {
    let app = spawn_app().await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    for n in 0..29 {
        app.invite(&admin, &format!("p{n}@example.com"), Role::Employee, None).await.unwrap();
    }

    let thirtieth = issue(&app, &admin, worker("E-30", Role::Employee, None)).await;
    let thirty_first = issue(&app, &admin, worker("E-31", Role::Employee, None)).await;

    assert_eq!(thirtieth.map(|h| h.employee_number), Ok("E-30".to_owned()));
    assert!(matches!(thirty_first, Err(AppError::RateLimited { limit: 30, .. })), "{thirty_first:?}");
}

#[tokio::test]
async fn the_server_function_answers_the_handout_to_admins_only() {
    let app = spawn_app().await;
    let admin = app.signed_in_as(Role::CorporateAdmin, None).await;
    let employee = app.signed_in_as(Role::Employee, None).await;
    let form = [("first_name", "Ola"), ("last_name", "Nowak"), ("employee_number", "E-9"), ("role", "employee")];

    let refused = app.call(&employee, "invite_shop_floor", &form).await;
    let issued = app.call(&admin, "invite_shop_floor", &form).await;

    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(issued.status(), StatusCode::OK);
    let handout: serde_json::Value = serde_json::from_str(&issued.text().await.unwrap()).unwrap();
    assert_eq!(handout["employee_number"], "E-9");
}
