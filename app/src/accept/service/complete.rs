//! Completing sign-up: one conditional update consumes the invitation, and the account, the
//! audit event and the invitation's link to the account commit with it or not at all.

use super::link::{OpenInvitation, open_invitation};
use super::profile::Profile;
use crate::accept::dto::{AcceptForm, InvitationDetails};
use crate::audit::service::{NewAuditEvent, record};
use crate::auth::service::create_session;
use crate::domain::password::{NewPassword, hash_password};
use crate::error::AppError;
use crate::ssr::Settings;
use crate::ssr::entities::{invitation, user};
use crate::ssr::raw::statement;
use crate::ssr::tokens::SecretToken;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr,
    TransactionTrait,
};

/// Consumes the invitation if, at `now`, it is still pending, unexpired, and its department and
/// location still exist and are not archived. Two simultaneous submits cannot both see a row
/// here: the database lets one update it and the other finds it no longer pending.
async fn claim(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool, AppError> {
    let sql = "UPDATE invitations SET status = $1, accepted_at = $2 \
        WHERE id = $3 AND status = $4 AND expires_at > $2 \
        AND (department_id IS NULL OR EXISTS (SELECT 1 FROM departments d \
             WHERE d.id = invitations.department_id AND d.archived_at IS NULL)) \
        AND (location_id IS NULL OR EXISTS (SELECT 1 FROM locations l \
             WHERE l.id = invitations.location_id AND l.archived_at IS NULL))";
    let values = vec![invitation::ACCEPTED.into(), now.into(), id.into(), invitation::PENDING.into()];
    let done = db.execute_raw(statement(db, sql, values)).await?;
    Ok(done.rows_affected() == 1)
}

/// Accepts the invitation `raw_token` opens: checks the form, hashes the password (off the
/// async runtime, outside any transaction), then in one transaction consumes the invitation,
/// creates the active account with the invitation's email, role, department and location, and
/// records a `user.created` audit event, and starts the new user's first session. Answers the
/// new account and its session token.
pub async fn accept(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    raw_token: &str,
    form: AcceptForm,
) -> Result<(user::Model, SecretToken), AppError> {
    let (inv, details) = open_invitation(db, settings, raw_token, now).await?;
    let identity = inv.email.clone().or_else(|| inv.employee_number.clone()).unwrap_or_default();
    let password = NewPassword::parse(form.password, &identity).map_err(|msg| AppError::field("password", msg))?;
    if password.expose() != form.password_confirmation {
        return Err(AppError::field("password_confirmation", "The two passwords do not match."));
    }
    let profile = Profile::parse(&form.first_name, &form.last_name, &form.job_title, &form.phone, &form.language)?;
    let hash = hash_password(&password).await;
    complete_sign_up(db, settings, now, &inv, &details, &profile, hash).await
}

/// The one transaction that turns an open invitation into an active account (see [`accept`]);
/// the shop-floor setup page ends the same way.
pub(super) async fn complete_sign_up(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    inv: &OpenInvitation,
    details: &InvitationDetails,
    profile: &Profile,
    hash: String,
) -> Result<(user::Model, SecretToken), AppError> {
    let txn = db.begin().await?;
    if !claim(&txn, inv.id, now).await? {
        return Err(AppError::InvitationLinkInvalid);
    }
    let account = user::ActiveModel {
        email: Set(inv.email.clone()),
        email_canonical: Set(inv.email_canonical.clone()),
        employee_number: Set(inv.employee_number.clone()),
        employee_number_canonical: Set(inv.employee_number_canonical.clone()),
        name: Set(profile.full_name()),
        first_name: Set(Some(profile.first_name.clone())),
        last_name: Set(Some(profile.last_name.clone())),
        job_title: Set(profile.job_title.clone()),
        phone: Set(profile.phone.clone()),
        preferred_language: Set(Some(profile.language.clone())),
        role: Set(inv.role.clone()),
        department_id: Set(inv.department_id),
        location_id: Set(inv.location_id),
        status: Set(user::STATUS_ACTIVE.to_owned()),
        password_hash: Set(Some(hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let created = match user::Entity::insert(account).exec_with_returning(&txn).await {
        Ok(created) => created,
        // An account with this address appeared since the invitation was sent (the CLI can make
        // one): the invitation cannot make a second.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Err(AppError::InvitationLinkInvalid);
        }
        Err(err) => return Err(err.into()),
    };
    let event = NewAuditEvent {
        event_type: "user.created",
        actor_user_id: Some(created.id),
        subject_type: "user",
        subject_id: Some(created.id),
        department_id: inv.department_id,
        details: serde_json::json!({
            "email": inv.email,
            "employee_number": inv.employee_number,
            "role": details.role.label(),
            "department": details.department,
            "location": details.location,
            "invited_by": details.inviter,
            "invitation_id": inv.id,
        }),
    };
    record(&txn, event, now).await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedUserId, Expr::value(created.id))
        .filter(invitation::Column::Id.eq(inv.id))
        .exec(&txn)
        .await?;
    let session = create_session(&txn, created.id, now, settings).await?;
    txn.commit().await?;
    tracing::info!(user_id = created.id, invitation_id = inv.id, "invitation accepted");
    Ok((created, session))
}
