//! Sending an email invitation: every rule of the spec, checked here and nowhere else.

use super::batch::{prepare_email_invite, write_email_invites};
use crate::domain::Role;
use crate::error::AppError;
use crate::mail::outbox;
use crate::mail::templates::{InvitationEmail, MailContent};
use crate::organisation::dto::{Unit, UnitKind};
use crate::organisation::service::find_unit;
use crate::ssr::entities::invitation;
use crate::ssr::tokens::SecretToken;
use crate::ssr::{Actor, Scope, Settings};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, SqlErr,
};

/// An email invitation as the admin filled it in; nothing here is trusted yet.
#[derive(Clone, Debug, Default)]
pub struct EmailInvite {
    pub email: String,
    pub role: String,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
}

/// The organisational units an invitation will assign, after the department rule.
pub struct Assignment {
    pub role: Role,
    pub department: Option<Unit>,
    pub location: Option<Unit>,
}

/// Checks role, department and location against what `scope` may do. A Quality or HR Admin's
/// department comes from their session: a request naming any other (or none) is refused.
pub async fn check_assignment(
    db: &impl ConnectionTrait,
    scope: Scope,
    role: &str,
    department_id: Option<i32>,
    location_id: Option<i32>,
) -> Result<Assignment, AppError> {
    let role = Role::parse(role)
        .filter(|r| Role::INVITABLE.contains(r))
        .ok_or_else(|| AppError::field("role", "Choose a role."))?;
    if let Scope::Department(own) = scope
        && department_id != Some(own)
    {
        return Err(AppError::field("department", "You can only invite people into your own department."));
    }
    if role.is_department_admin() && department_id.is_none() {
        return Err(AppError::field(
            "department",
            format!("Choose a department: a {} administers their department.", role.label()),
        ));
    }
    let active = |unit: Option<Unit>| unit.filter(|u| !u.archived);
    let department = match department_id {
        Some(id) => Some(
            active(find_unit(db, UnitKind::Department, id).await?)
                .ok_or_else(|| AppError::field("department", "Choose a department from the list."))?,
        ),
        None => None,
    };
    let location = match location_id {
        Some(id) => Some(
            active(find_unit(db, UnitKind::Location, id).await?)
                .ok_or_else(|| AppError::field("location", "Choose a location from the list."))?,
        ),
        None => None,
    };
    Ok(Assignment { role, department, location })
}

/// Marks this address's pending invitations that have run out as expired, so they no longer
/// block a new one.
pub async fn expire_stale(db: &impl ConnectionTrait, email_canonical: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let update = Query::update()
        .table("invitations")
        .value("status", invitation::EXPIRED)
        .and_where(Expr::col("email_canonical").eq(email_canonical))
        .and_where(Expr::cust(invitation::IS_PENDING))
        .and_where(Expr::col("expires_at").lte(now))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// What the email that carries `token` to the invitee says; the outbox worker renders it.
pub fn invitation_mail(
    settings: &Settings,
    inviter: &str,
    assignment: &Assignment,
    token: &SecretToken,
    expires_at: DateTime<Utc>,
) -> MailContent {
    MailContent::Invitation(InvitationEmail {
        inviter: inviter.to_owned(),
        organisation: settings.organisation_name.clone(),
        role: assignment.role.label().to_owned(),
        department: assignment.department.as_ref().map(|d| d.name.clone()),
        location: assignment.location.as_ref().map(|l| l.name.clone()),
        expires_at,
        link: settings.link(&format!("invitation/{}", token.expose())),
    })
}

/// Puts the invitation email in the outbox.
pub async fn queue_invitation_mail(
    db: &impl ConnectionTrait,
    settings: &Settings,
    actor: &Actor,
    invitation_id: i32,
    to: &str,
    assignment: &Assignment,
    token: &SecretToken,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let content = invitation_mail(settings, &actor.name, assignment, token, expires_at);
    outbox::enqueue(db, Some(invitation_id), to, &content, now).await?;
    Ok(())
}

/// The audit details of an invitation: who (`who` holds email, or employee number and name),
/// as what, where. Never the token or code.
pub fn audit_details(who: serde_json::Value, assignment: &Assignment) -> serde_json::Value {
    let mut details = who;
    if let Some(map) = details.as_object_mut() {
        map.insert("role".into(), assignment.role.label().into());
        map.insert("department".into(), assignment.department.as_ref().map(|d| d.name.clone()).into());
        map.insert("location".into(), assignment.location.as_ref().map(|l| l.name.clone()).into());
    }
    details
}

/// A pending invitation row: `identity` holds what tells this kind apart (kind, email or
/// employee number, names); the rest is the same for every kind.
pub fn pending_row(
    invited_by: i32,
    assignment: &Assignment,
    identity: invitation::ActiveModel,
    token_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> invitation::ActiveModel {
    invitation::ActiveModel {
        role: Set(assignment.role.as_str().to_owned()),
        department_id: Set(assignment.department.as_ref().map(|d| d.id)),
        location_id: Set(assignment.location.as_ref().map(|l| l.id)),
        invited_by: Set(invited_by),
        token_hash: Set(token_hash),
        status: Set(invitation::PENDING.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..identity
    }
}

/// A unique-index clash on invitations means another admin took the same address or number a
/// moment ago: that answers `taken`; anything else is the database's fault.
pub fn clash_or_internal(err: DbErr, taken: AppError) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => taken,
        _ => err.into(),
    }
}

/// Writes a pending invitation (see [`pending_row`]); a clash answers `taken`.
pub async fn insert_pending(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    assignment: &Assignment,
    identity: invitation::ActiveModel,
    token_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    taken: AppError,
) -> Result<i32, AppError> {
    let row = pending_row(actor.user_id, assignment, identity, token_hash, now, expires_at);
    match invitation::Entity::insert(row).exec(txn).await {
        Ok(done) => Ok(done.last_insert_id),
        Err(err) => Err(clash_or_internal(err, taken)),
    }
}

/// Invites someone by email: checks every rule, then writes the invitation, its email (to the
/// outbox) and an audit event in one transaction, as a batch of one. Answers the new
/// invitation's id and the address as stored.
///
/// An address that already has an account or a pending invitation gets one generic
/// `InvitationUnavailable`, and the attempt still counts against the hourly limit.
pub async fn invite_by_email(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    input: EmailInvite,
) -> Result<(i32, String), AppError> {
    let invite = prepare_email_invite(db, actor, settings, now, input).await?;
    let address = invite.address().to_owned();
    let id = write_email_invites(db, settings.invite_rate_limit, vec![invite]).await.pop().unwrap_or(Err(AppError::Internal))?;
    Ok((id, address))
}
