//! PIN resets for shop-floor workers: a new one-time setup code on a printable handout, for the
//! existing account. The old PIN stops working when it is issued; the code is checked, and
//! wrong codes limited, by `ssr::models::setup_code`, as at setup.

use super::super::find_for;
use super::resets::{count_admin_reset, finish, insert_reset};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{person_event, record};
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::password::hash_password;
use crate::domain::Identity;
use crate::domain::setup_code::SetupCode;
use crate::error::AppError;
use crate::invitations::dto::Handout;
use crate::invitations::service::{HandoutPage, HandoutWorker, draw_handout};
use crate::policy::Action;
use crate::ssr::entities::access_reset::{self, Kind};
use crate::ssr::entities::{session, user};
use crate::ssr::models::setup_code::{self, StoredCode, parse_secret};
use crate::ssr::models::user::{identity, is_active};
use crate::ssr::tokens::{SecretToken, hash_token};
use crate::ssr::{Actor, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ExprTrait, QueryFilter};

/// "Reset PIN" on the person page: a new setup code for shop-floor worker `id`'s existing
/// account, answered once as a handout. Their old PIN stops working now, their sessions end,
/// and any earlier reset code dies.
#[tracing::instrument(name = "reset_pin", skip_all, fields(person_id = id))]
pub async fn reset_pin(db: &DatabaseConnection, actor: &Actor, settings: &Settings, now: DateTime<Utc>, id: i32) -> Result<Handout, AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::ResetAccess, id).await?;
    let Identity::EmployeeNumber(number) = identity(&person)? else {
        return Err(AppError::Invalid("This person signs in with an email address: use Send password reset.".into()));
    };
    if !is_active(&person) {
        return Err(AppError::Invalid("Reactivate this person first.".into()));
    }
    count_admin_reset(&txn, &person, now).await?;
    let code = SetupCode::generate();
    let expires_at = settings.pin_reset_expiry(now);
    insert_reset(&txn, person.id, Kind::Pin, hash_token(code.normalised()), Some(actor.user_id), (now, expires_at)).await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Option::<String>::None))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(person.id))
        .exec(&txn)
        .await?;
    session::Entity::delete_many().filter(session::Column::UserId.eq(person.id)).exec(&txn).await?;
    record(&txn, person_event(AuditEventType::PinResetIssued, Some(actor.user_id), &person), now).await?;
    txn.commit().await?;
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "PIN reset handout issued");
    let worker = HandoutWorker { invitation_id: person.id, name: person.name, employee_number: number.as_str().to_owned() };
    draw_handout(settings, HandoutPage::NewPin, worker, &code, expires_at)
}

/// A shop-floor worker sets a new PIN (or password) with the code from their PIN-reset
/// handout, keeping their account. Wrong codes are limited as at setup: per code (it dies at
/// `MAX_WRONG_CODES`) and per client.
pub async fn complete_pin_reset(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    client: &str,
    employee_number: &str,
    typed_code: &str,
    secret: String,
    confirmation: &str,
) -> Result<(user::Model, SecretToken), AppError> {
    let find = async |number: &EmployeeNumber| -> Result<Option<(StoredCode, (access_reset::Model, user::Model))>, AppError> {
        let found = user::Entity::find().filter(user::Column::EmployeeNumberCanonical.eq(number.canonical())).one(db).await?;
        let Some(person) = found.filter(is_active) else {
            return Ok(None);
        };
        let reset = access_reset::Entity::find()
            .filter(access_reset::Column::UserId.eq(person.id))
            .filter(access_reset::Column::Kind.eq(Kind::Pin))
            .filter(access_reset::Column::UsedAt.is_null())
            .filter(access_reset::Column::ExpiresAt.gt(now))
            .one(db)
            .await?;
        Ok(reset.map(|r| (StoredCode::PinReset { id: r.id, hash: r.secret_hash.clone() }, (r, person))))
    };
    let matched = setup_code::check(db, client, now, employee_number, typed_code, find).await?;
    let (reset, person) = matched.found;
    let secret = parse_secret(secret, confirmation, &matched.number)?;
    let hash = hash_password(&secret).await?;
    let done = finish(db, settings, now, &reset, &person, hash, AuditEventType::PinResetCompleted).await;
    let done = done.map_err(|e| e.unwrap_or(AppError::SetupCodeInvalid))?;
    tracing::info!(user_id = person.id, "PIN reset completed");
    Ok(done)
}
