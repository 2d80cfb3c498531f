//! Inviting a shop-floor worker who has no email: a pending account and a one-time setup code
//! on a printable handout, under the same rules and hourly limit as email invitations.

use super::assignment::{Assignment, check_assignment};
use super::availability::{IdentityKind, is_free};
use super::rate_limit::reserve_attempt;
use super::records::{insert_pending, invitation_event};
use crate::audit::dto::AuditEventType;
use crate::audit::service::record;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::person_name::{PersonName, full_name};
use crate::domain::setup_code::SetupCode;
use crate::error::AppError;
use crate::invitations::dto::Handout;
use crate::organisation::dto::{DepartmentId, LocationId};
use crate::policy::{InviteKind, Scope};
use crate::ssr::entities::invitation;
use crate::ssr::tokens::hash_token;
use crate::ssr::{Actor, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection};

/// A shop-floor invitation as the admin filled it in; nothing here is trusted yet.
#[derive(Clone, Debug, Default)]
pub struct ShopFloorInvite {
    pub first_name: String,
    pub last_name: String,
    pub employee_number: String,
    pub role: String,
    pub department_id: Option<DepartmentId>,
    pub location_id: Option<LocationId>,
}

/// The worker a shop-floor invitation is for, as the handout and the audit log name them.
pub(super) struct Worker {
    pub invitation_id: i32,
    pub name: String,
    pub employee_number: String,
}

/// A handout's code and how long it works.
pub(super) struct Code<'a> {
    pub code: &'a SetupCode,
    pub expires_at: DateTime<Utc>,
}

/// Records that `worker`'s handout was issued (never the code) and answers the handout, the
/// only place the code ever appears.
pub(super) async fn issue_handout(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    worker: Worker,
    assignment: &Assignment,
    code: Code<'_>,
    now: DateTime<Utc>,
) -> Result<Handout, AppError> {
    let who = serde_json::json!({ "employee_number": worker.employee_number, "name": worker.name });
    let (id, department) = (worker.invitation_id, assignment.department_id());
    let event = invitation_event(AuditEventType::HandoutIssued, actor.user_id, id, department, who, Some(assignment));
    record(txn, event, now).await?;
    let setup_link = settings.link(&format!("setup/{}", code.code.normalised()));
    Ok(Handout {
        invitation_id: worker.invitation_id,
        name: worker.name,
        employee_number: worker.employee_number,
        setup_code: code.code.display(),
        qr_svg: qr_svg(&setup_link)?,
        setup_link,
        expires_at: code.expires_at,
    })
}

/// Invites a shop-floor worker: checks every rule, then writes the pending invitation (holding
/// only a hash of the setup code) and an audit event in one transaction, and answers the
/// handout, the only place the code ever appears.
///
/// A number that already has an account or a pending invitation gets one generic
/// `EmployeeNumberUnavailable`, and the attempt still counts against the hourly limit.
pub async fn invite_shop_floor(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    input: ShopFloorInvite,
) -> Result<Handout, AppError> {
    let scope = Scope::of(actor)?;
    let first_name = PersonName::parse_field("first_name", &input.first_name, "Enter the first name.")?;
    let last_name = PersonName::parse_field("last_name", &input.last_name, "Enter the last name.")?;
    let number = EmployeeNumber::parse(&input.employee_number).map_err(|msg| AppError::field("employee_number", msg))?;
    let assignment =
        check_assignment(db, scope, InviteKind::ShopFloor, &input.role, input.department_id, input.location_id).await?;

    let txn = begin_write(db).await?;
    reserve_attempt(&txn, actor.user_id, now, settings.invite_rate_limit).await?;
    if !is_free(&txn, IdentityKind::EmployeeNumber, number.canonical(), now, None).await? {
        txn.commit().await?; // the attempt counts
        return Err(AppError::EmployeeNumberUnavailable);
    }
    let code = SetupCode::generate();
    let expires_at = now + settings.invite_ttl;
    let name = full_name(&first_name, &last_name);
    let identity = invitation::ActiveModel {
        kind: Set(invitation::Kind::ShopFloor),
        employee_number: Set(Some(number.as_str().to_owned())),
        employee_number_canonical: Set(Some(number.canonical().to_owned())),
        first_name: Set(Some(first_name.into_string())),
        last_name: Set(Some(last_name.into_string())),
        ..Default::default()
    };
    let code_hash = hash_token(code.normalised());
    let taken = AppError::EmployeeNumberUnavailable;
    let id = insert_pending(&txn, actor, &assignment, identity, code_hash, (now, expires_at), taken).await?;
    let worker = Worker { invitation_id: id, name, employee_number: number.as_str().to_owned() };
    let handout = issue_handout(&txn, actor, settings, worker, &assignment, Code { code: &code, expires_at }, now).await?;
    txn.commit().await?;
    tracing::info!(invitation_id = id, admin_id = actor.user_id, "shop-floor handout issued");
    Ok(handout)
}

/// `text` as an SVG QR code (medium error correction), without the XML prolog so it can sit
/// inside an HTML page.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::internal(format!("cannot make a QR code of the setup link: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    Ok(svg.find("<svg").map_or(svg.clone(), |start| svg[start..].to_owned()))
}
