//! Inviting a shop-floor worker who has no email: a pending account and a one-time setup code
//! on a printable handout, under the same rules and hourly limit as email invitations.

use super::assignment::{Assignment, assignment_in, check_assignment};
use super::availability::{is_free, unavailable};
use super::rate_limit::reserve_attempt;
use super::records::{insert_pending, invitation_event};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, record};
use crate::domain::{Identity, IdentityKind};
use crate::domain::person_name::{PersonName, full_name};
use crate::domain::setup_code::SetupCode;
use crate::error::AppError;
use crate::ssr::models::import_row::{Settled, settle};
use crate::invitations::dto::Handout;
use crate::organisation::dto::{DepartmentId, LocationId};
use crate::organisation::service::units_of_request;
use crate::policy::{Action, Scope, Target};
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
pub struct HandoutWorker {
    pub invitation_id: i32,
    pub name: String,
    pub employee_number: String,
}

/// The worker's name as a shop-floor invitation holds it.
pub(super) fn worker_name(inv: &invitation::Model) -> String {
    [inv.first_name.as_deref(), inv.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
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
    worker: HandoutWorker,
    assignment: &Assignment,
    code: Code<'_>,
    now: DateTime<Utc>,
) -> Result<Handout, AppError> {
    let who = AuditDetails { name: Some(worker.name.clone()), ..AuditDetails::who(None, Some(worker.employee_number.clone())) };
    let (id, department) = (worker.invitation_id, assignment.department_id());
    let event = invitation_event(AuditEventType::HandoutIssued, actor.user_id, id, department, who, Some(assignment));
    record(txn, event, now).await?;
    draw_handout(settings, HandoutPage::Setup, worker, code.code, code.expires_at)
}

/// Which page a handout's QR code and address open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoutPage {
    /// First sign-up, with a shop-floor invitation's code.
    Setup,
    /// A new PIN for an existing account, with a PIN reset's code.
    NewPin,
}

impl HandoutPage {
    fn path(self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::NewPin => "new-pin",
        }
    }
}

/// The handout that carries `code` to `worker`, opening `page`: the one place a handout is
/// drawn, for invitations, reissued codes and PIN resets alike.
pub fn draw_handout(settings: &Settings, page: HandoutPage, worker: HandoutWorker, code: &SetupCode, expires_at: DateTime<Utc>) -> Result<Handout, AppError> {
    let setup_link = settings.link(&format!("{}/{}", page.path(), code.normalised()));
    Ok(Handout {
        invitation_id: worker.invitation_id,
        organisation: settings.organisation_name.clone(),
        name: worker.name,
        employee_number: worker.employee_number,
        setup_code: code.display(),
        qr_svg: qr_svg(&setup_link)?,
        setup_link,
        expires_at: expires_at.into(),
    })
}

/// A shop-floor invitation that passed every check not needing the write lock.
struct Parsed {
    first_name: PersonName,
    last_name: PersonName,
    /// Always an employee number.
    identity: Identity,
    assignment: Assignment,
}

async fn parse(db: &impl ConnectionTrait, actor: &Actor, input: ShopFloorInvite) -> Result<Parsed, AppError> {
    let scope = Scope::of(actor)?;
    let first_name = PersonName::parse_field("first_name", &input.first_name, "Enter the first name.")?;
    let last_name = PersonName::parse_field("last_name", &input.last_name, "Enter the last name.")?;
    let kind = IdentityKind::EmployeeNumber;
    let identity = Identity::parse(kind, &input.employee_number).map_err(|msg| AppError::field("employee_number", msg))?;
    let assignment = check_assignment(db, scope, kind, &input.role, input.department_id, input.location_id).await?;
    Ok(Parsed { first_name, last_name, identity, assignment })
}

/// Counts the attempt and writes the pending invitation, holding only a hash of `code`, inside
/// `txn` (begun with `begin_write`). A number already in use is refused once the attempt has
/// been recorded: the caller commits that and answers `EmployeeNumberUnavailable`.
async fn write_pending(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    parsed: &Parsed,
    code: &SetupCode,
) -> Result<Option<(i32, DateTime<Utc>)>, AppError> {
    reserve_attempt(txn, actor.user_id, now, settings.invite_rate_limit).await?;
    if !is_free(txn, &parsed.identity, now, None).await? {
        return Ok(None);
    }
    let expires_at = settings.invitation_expiry(now);
    let identity = invitation::ActiveModel {
        kind: Set(parsed.identity.kind()),
        employee_number: Set(Some(parsed.identity.as_str().to_owned())),
        employee_number_canonical: Set(Some(parsed.identity.canonical().to_owned())),
        first_name: Set(Some(parsed.first_name.as_str().to_owned())),
        last_name: Set(Some(parsed.last_name.as_str().to_owned())),
        ..Default::default()
    };
    let code_hash = hash_token(code.normalised());
    let taken = unavailable(parsed.identity.kind());
    let id = insert_pending(txn, actor, &parsed.assignment, identity, code_hash, (now, expires_at), taken).await?;
    Ok(Some((id, expires_at)))
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
    let parsed = parse(db, actor, input).await?;
    let code = SetupCode::generate();
    let txn = begin_write(db).await?;
    let Some((id, expires_at)) = write_pending(&txn, actor, settings, now, &parsed, &code).await? else {
        txn.commit().await?; // the attempt counts
        return Err(AppError::EmployeeNumberUnavailable);
    };
    let name = full_name(&parsed.first_name, &parsed.last_name);
    let worker = HandoutWorker { invitation_id: id, name, employee_number: parsed.identity.as_str().to_owned() };
    let code = Code { code: &code, expires_at };
    let handout = issue_handout(&txn, actor, settings, worker, &parsed.assignment, code, now).await?;
    txn.commit().await?;
    tracing::info!(invitation_id = id, admin_id = actor.user_id, "shop-floor handout issued");
    Ok(handout)
}

/// Invites a shop-floor worker from import row `import_row`, under the same rules and limit as
/// [`invite_shop_floor`], without a handout yet: the setup code is made when the import's
/// handout sheet is printed ([`reissue_codes`]), so the hash stored now is of a code nobody
/// ever sees. The row is settled in the same transaction. Answers the invitation's id.
pub async fn invite_shop_floor_from_import(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    input: ShopFloorInvite,
    import_row: i32,
) -> Result<i32, AppError> {
    let parsed = parse(db, actor, input).await?;
    let txn = begin_write(db).await?;
    let Some((id, _)) = write_pending(&txn, actor, settings, now, &parsed, &SetupCode::generate()).await? else {
        let refused = AppError::EmployeeNumberUnavailable;
        settle(&txn, import_row, Settled::Failed(&refused.to_string()), now).await?;
        txn.commit().await?; // the attempt counts
        return Err(refused);
    };
    let who = AuditDetails {
        name: Some(full_name(&parsed.first_name, &parsed.last_name)),
        ..AuditDetails::who(None, Some(parsed.identity.as_str().to_owned()))
    };
    let department = parsed.assignment.department_id();
    let event = invitation_event(AuditEventType::InvitationSent, actor.user_id, id, department, who, Some(&parsed.assignment));
    record(&txn, event, now).await?;
    settle(&txn, import_row, Settled::Sent(id), now).await?;
    txn.commit().await?;
    Ok(id)
}

/// A new setup code given to a worker, before its handout is drawn.
pub struct IssuedCode {
    worker: HandoutWorker,
    code: SetupCode,
    expires_at: DateTime<Utc>,
}

/// New setup codes for these shop-floor invitations, inside `txn`, under Resend's rules: each
/// must be one `actor` may resend (in their scope, for a role they may act on), pending or run
/// out (not accepted or revoked), into units that are not archived, and its number held by no
/// one else; any other is left as it is. Each old code stops working and each expiry starts
/// again. The codes are drawn into handouts by [`draw_handouts`], after the commit.
pub async fn reissue_codes(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    invitations: &[invitation::Model],
    now: DateTime<Utc>,
) -> Result<Vec<IssuedCode>, AppError> {
    let scope = Scope::of(actor)?;
    let units = units_of_request(txn).await?;
    let mut issued = Vec::with_capacity(invitations.len());
    let expires_at = settings.invitation_expiry(now);
    for inv in invitations {
        let identity = crate::ssr::models::invitation::identity(inv)?;
        if !identity.kind().is_shop_floor() {
            continue;
        }
        let assignment = assignment_in(&units, inv)?;
        let target = Target { department: inv.department_id, role: assignment.role };
        if !scope.permits(Action::Resend, target) || assignment.in_archived_unit() {
            continue;
        }
        if !is_free(txn, &identity, now, Some(inv.id)).await? {
            continue;
        }
        let code = SetupCode::generate();
        let renewed = crate::ssr::models::invitation::renew(txn, inv.id, hash_token(code.normalised()), now, expires_at)
            .await
            .map_err(|err| super::records::clash_or_internal(err, AppError::EmployeeNumberUnavailable));
        match renewed {
            Ok(true) => {}
            Ok(false) | Err(AppError::EmployeeNumberUnavailable) => continue,
            Err(err) => return Err(err),
        }
        let worker = HandoutWorker { invitation_id: inv.id, name: worker_name(inv), employee_number: identity.as_str().to_owned() };
        issued.push(IssuedCode { worker, code, expires_at });
    }
    Ok(issued)
}

/// The handouts of codes [`reissue_codes`] gave out. Drawing QR codes is CPU work: a caller
/// with many runs this off the async workers.
pub fn draw_handouts(settings: &Settings, issued: Vec<IssuedCode>) -> Result<Vec<Handout>, AppError> {
    issued.into_iter().map(|i| draw_handout(settings, HandoutPage::Setup, i.worker, &i.code, i.expires_at)).collect()
}

/// `text` as an SVG QR code (medium error correction), without the XML prolog so it can sit
/// inside an HTML page.
fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::internal(format!("cannot make a QR code of the setup link: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build();
    Ok(svg.find("<svg").map_or(svg.clone(), |start| svg[start..].to_owned()))
}
