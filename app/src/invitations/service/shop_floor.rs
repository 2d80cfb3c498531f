//! Inviting a shop-floor worker who has no email: a pending account and a one-time setup code
//! on a printable handout, under the same rules and hourly limit as email invitations.

use super::invite::{Assignment, audit_details, check_assignment, insert_pending};
use super::rate_limit::reserve_attempt;
use crate::accept::service::required_name;
use crate::audit::dto::AuditEventType;
use crate::audit::service::{NewAuditEvent, record};
use crate::domain::Role;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::setup_code::SetupCode;
use crate::error::AppError;
use crate::invitations::dto::Handout;
use crate::ssr::entities::invitation;
use crate::ssr::raw::statement;
use crate::ssr::tokens::hash_token;
use crate::ssr::{Actor, Scope, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, FromQueryResult};

/// A shop-floor invitation as the admin filled it in; nothing here is trusted yet.
#[derive(Clone, Debug, Default)]
pub struct ShopFloorInvite {
    pub first_name: String,
    pub last_name: String,
    pub employee_number: String,
    pub role: String,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
}

/// Roles a worker without email may get: admin roles need an email address.
const SHOP_FLOOR_ROLES: [Role; 2] = [Role::TeamLead, Role::Employee];

#[derive(FromQueryResult)]
struct NumberUse {
    accounts: i64,
    live: i64,
}

/// Whether the employee number already has an account or a live invitation other than
/// `except` (0 for none); pending invitations for it that have run out are marked expired so
/// they no longer block it.
pub(super) async fn number_taken(
    db: &impl ConnectionTrait,
    canonical: &str,
    except: i32,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let expire = Query::update()
        .table("invitations")
        .value("status", invitation::EXPIRED)
        .and_where(Expr::col("employee_number_canonical").eq(canonical))
        .and_where(Expr::cust(invitation::IS_PENDING))
        .and_where(Expr::col("expires_at").lte(now))
        .to_owned();
    db.execute(&expire).await?;
    let sql = format!(
        "SELECT \
        (SELECT COUNT(*) FROM users WHERE employee_number_canonical = $1) AS accounts, \
        (SELECT COUNT(*) FROM invitations WHERE employee_number_canonical = $1 AND {} AND id <> $2) AS live",
        invitation::IS_PENDING
    );
    let values = vec![canonical.into(), except.into()];
    let found = NumberUse::find_by_statement(statement(db, &sql, values)).one(db).await?.ok_or(AppError::Internal)?;
    Ok(found.accounts + found.live > 0)
}

/// The worker a shop-floor invitation is for, as the handout and the audit log name them.
pub(super) struct Worker {
    pub invitation_id: i32,
    pub name: String,
    pub employee_number: String,
}

/// Records that `worker`'s handout was issued (never the code) and answers the handout, the
/// only place the code ever appears.
pub(super) async fn issue_handout(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    worker: Worker,
    assignment: &Assignment,
    code: &SetupCode,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Handout, AppError> {
    let who = serde_json::json!({ "employee_number": worker.employee_number, "name": worker.name });
    let event = NewAuditEvent {
        event_type: AuditEventType::HandoutIssued.as_str(),
        actor_user_id: Some(actor.user_id),
        subject_type: "invitation",
        subject_id: Some(worker.invitation_id),
        department_id: assignment.department.as_ref().map(|d| d.id),
        details: audit_details(who, assignment),
    };
    record(txn, event, now).await?;
    let setup_link = settings.link(&format!("setup/{}", code.normalised()));
    Ok(Handout {
        invitation_id: worker.invitation_id,
        name: worker.name,
        employee_number: worker.employee_number,
        setup_code: code.display(),
        qr_svg: qr_svg(&setup_link)?,
        setup_link,
        expires_at,
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
    let first_name = required_name("first_name", &input.first_name, "Enter the first name.")?;
    let last_name = required_name("last_name", &input.last_name, "Enter the last name.")?;
    let number = EmployeeNumber::parse(&input.employee_number).map_err(|msg| AppError::field("employee_number", msg))?;
    if Role::parse(&input.role).is_some_and(|r| !SHOP_FLOOR_ROLES.contains(&r)) {
        return Err(AppError::field("role", "Admin roles need an email address: choose Team Lead or Employee."));
    }
    let assignment = check_assignment(db, scope, &input.role, input.department_id, input.location_id).await?;

    let txn = begin_write(db).await?;
    reserve_attempt(&txn, actor.user_id, now, settings.invite_rate_limit).await?;
    if number_taken(&txn, number.canonical(), 0, now).await? {
        txn.commit().await?; // the attempt counts
        return Err(AppError::EmployeeNumberUnavailable);
    }
    let code = SetupCode::generate();
    let expires_at = now + settings.invite_ttl;
    let identity = invitation::ActiveModel {
        kind: Set(invitation::KIND_SHOP_FLOOR.to_owned()),
        employee_number: Set(Some(number.as_str().to_owned())),
        employee_number_canonical: Set(Some(number.canonical().to_owned())),
        first_name: Set(Some(first_name.clone())),
        last_name: Set(Some(last_name.clone())),
        ..Default::default()
    };
    let code_hash = hash_token(code.normalised());
    let taken = AppError::EmployeeNumberUnavailable;
    let id = insert_pending(&txn, actor, &assignment, identity, code_hash, now, expires_at, taken).await?;
    let worker = Worker { invitation_id: id, name: format!("{first_name} {last_name}"), employee_number: number.as_str().to_owned() };
    let handout = issue_handout(&txn, actor, settings, worker, &assignment, &code, now, expires_at).await?;
    txn.commit().await?;
    tracing::info!(invitation_id = id, admin_id = actor.user_id, "shop-floor handout issued");
    Ok(handout)
}

/// `text` as an SVG QR code (medium error correction), without the XML prolog so it can sit
/// inside an HTML page.
fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "cannot make a QR code of the setup link");
        AppError::Internal
    })?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    Ok(svg.find("<svg").map_or(svg.clone(), |start| svg[start..].to_owned()))
}
