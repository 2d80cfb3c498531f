//! Getting back into an existing account.
//!
//! - Email users: a one-time password-reset link, sent by an admin from the person page or
//!   asked for on the sign-in page ("Forgot password?"). Same token rules as invitations: 32
//!   random bytes, only a hash stored, opening the link uses nothing and moves the token into
//!   a cookie. It works for `RESET_TTL`.
//! - Shop-floor workers: a new one-time setup code on a printable handout, for the existing
//!   account. The old PIN stops working when it is issued; wrong codes are limited as at setup.
//!
//! A person has at most one live reset of each kind: issuing one kills the one before.
//! Completing either ends every session of the account and starts one in this browser.

use super::find_for;
use crate::audit::service::person_event;
use crate::accept::service::{MAX_WRONG_CODES, looks_like_token, parse_secret, release_attempt, reserve_attempt, too_many_codes};
use crate::audit::dto::AuditEventType;
use crate::audit::service::record;
use crate::auth::service::create_session;
use crate::domain::email::WorkEmail;
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::password::{NewPassword, hash_password};
use crate::domain::setup_code::{SetupCode, normalise_typed};
use crate::error::AppError;
use crate::invitations::dto::Handout;
use crate::invitations::service::qr_svg;
use crate::mail::outbox::{self, OutboxSignal};
use crate::mail::templates::{MailContent, PasswordResetEmail};
use crate::policy::Action;
use crate::ssr::entities::access_reset::{self, Kind};
use crate::ssr::entities::{session, user};
use crate::ssr::models::user::is_active;
use crate::ssr::raw::statement;
use crate::ssr::tokens::{SecretToken, hash_token};
use crate::ssr::{Actor, Settings, begin_write, cookie_header};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter,
};

/// Holds a password-reset token between the link and the form, like the invitation cookie.
pub const RESET_COOKIE: &str = "onboard_reset";
const COOKIE_MINUTES: i64 = 60;
/// "Forgot password?" requests per address per hour; more are answered alike and do nothing.
pub const MAX_REQUESTS_PER_ADDRESS: i64 = 3;
/// "Forgot password?" requests per client per hour, whatever the address.
pub const MAX_REQUESTS_PER_CLIENT: i64 = 20;
/// Resets (links or PIN-reset handouts) admins may send one person per hour.
pub const MAX_ADMIN_RESETS_PER_PERSON: i64 = 3;
/// Every "Forgot password?" answer takes at least this long, so the time does not tell whether
/// mail was queued.
const FORGOT_ANSWER_TIME: std::time::Duration = std::time::Duration::from_millis(300);

/// The reset token this browser holds, if any.
pub fn reset_cookie(headers: &http::HeaderMap, settings: &Settings) -> Option<String> {
    crate::ssr::cookie_value(headers, RESET_COOKIE, settings).filter(|t| looks_like_token(t))
}

/// `Set-Cookie` carrying a reset token from a link.
pub fn reset_set_cookie(token: &str, settings: &Settings) -> String {
    cookie_header(RESET_COOKIE, token, cookie::time::Duration::minutes(COOKIE_MINUTES), settings)
}

/// `Set-Cookie` removing the reset cookie.
pub fn reset_clear_cookie(settings: &Settings) -> String {
    cookie_header(RESET_COOKIE, "", cookie::time::Duration::ZERO, settings)
}

/// Marks `user_id`'s unused resets of `kind` as used: only the newest may work.
async fn kill_resets(db: &impl ConnectionTrait, user_id: i32, kind: Kind, now: DateTime<Utc>) -> Result<(), AppError> {
    access_reset::Entity::update_many()
        .col_expr(access_reset::Column::UsedAt, Expr::value(now))
        .filter(access_reset::Column::UserId.eq(user_id))
        .filter(access_reset::Column::Kind.eq(kind))
        .filter(access_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn insert_reset(
    db: &impl ConnectionTrait,
    user_id: i32,
    kind: Kind,
    secret_hash: String,
    created_by: Option<i32>,
    times: (DateTime<Utc>, DateTime<Utc>),
) -> Result<(), AppError> {
    kill_resets(db, user_id, kind, times.0).await?;
    let row = access_reset::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        secret_hash: Set(secret_hash),
        created_by: Set(created_by),
        created_at: Set(times.0),
        expires_at: Set(times.1),
        failed_attempts: Set(0),
        ..Default::default()
    };
    access_reset::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}

/// Queues a password-reset link for `person` (active, with an email address) through the
/// outbox, with its audit event, in `txn`.
async fn queue_reset_mail(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    person: &user::Model,
    by_admin: Option<&Actor>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(address) = person.email.clone() else {
        return Err(AppError::Invalid("A shop-floor worker has no email: use Reset PIN.".into()));
    };
    let token = SecretToken::generate();
    let expires_at = now + settings.reset_ttl;
    insert_reset(txn, person.id, Kind::Password, token.hash(), by_admin.map(|a| a.user_id), (now, expires_at)).await?;
    let content = MailContent::PasswordReset(PasswordResetEmail {
        name: person.name.clone(),
        organisation: settings.organisation_name.clone(),
        by_admin: by_admin.map(|a| a.name.clone()),
        expires_at,
        link: settings.link(&format!("reset/{}", token.expose())),
    });
    outbox::enqueue(txn, None, &address, &content, now).await?;
    record(txn, person_event(AuditEventType::PasswordResetSent, by_admin.map(|a| a.user_id), person), now).await?;
    Ok(())
}

/// "Send password reset" on the person page: a one-time link to person `id`'s address.
pub async fn send_password_reset(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    outbox: &OutboxSignal,
    now: DateTime<Utc>,
    id: i32,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::ResetAccess, id).await?;
    if !is_active(&person) {
        return Err(AppError::Invalid("Reactivate this person first.".into()));
    }
    if person.email.is_some() {
        count_admin_reset(&txn, &person, now).await?;
    }
    queue_reset_mail(&txn, settings, &person, Some(actor), now).await?;
    txn.commit().await?;
    outbox.wake();
    tracing::info!(user_id = person.id, admin_id = actor.user_id, "password reset sent");
    Ok(())
}

/// An hourly count of recovery requests (`recovery_requests`), by key: an address, a client,
/// or a person an admin sends resets to.
struct Quota<'a> {
    key: &'a str,
    per_hour: i64,
}

/// Takes one place in each of `quotas` at `now`, in one conditional insert inside `txn`, if
/// every one of them has room; answers whether it did. Nothing is written when any is full, so
/// requests past a limit add no rows. Exact: on PostgreSQL each key's requests take turns
/// (advisory locks, in key order so two never wait for each other), and SQLite's write lock
/// (`begin_write`) serialises them all.
async fn take_places(txn: &impl ConnectionTrait, quotas: &[Quota<'_>], now: DateTime<Utc>) -> Result<bool, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let mut keys: Vec<&str> = quotas.iter().map(|q| q.key).collect();
        keys.sort_unstable();
        for key in keys {
            txn.execute_raw(statement(txn, "SELECT pg_advisory_xact_lock(5, hashtext($1))", vec![key.into()])).await?;
        }
    }
    let (room, values) = room_in(quotas, now);
    let rows: Vec<String> = (0..quotas.len()).map(|i| format!("SELECT ${}, $1 WHERE {room}", 3 + 2 * i)).collect();
    let sql = format!("INSERT INTO recovery_requests (key, requested_at) {}", rows.join(" UNION ALL "));
    let inserted = txn.execute_raw(statement(txn, &sql, values)).await?.rows_affected();
    Ok(inserted == quotas.len() as u64)
}

/// "Every one of `quotas` has room at `now`" as SQL, with its values: `$1` is now, `$2` the
/// start of the hour, and each quota adds its key and its limit.
fn room_in(quotas: &[Quota<'_>], now: DateTime<Utc>) -> (String, Vec<sea_orm::Value>) {
    let mut values: Vec<sea_orm::Value> = vec![now.into(), (now - Duration::hours(1)).into()];
    let mut room = Vec::new();
    for quota in quotas {
        let (key, limit) = (values.len() + 1, values.len() + 2);
        room.push(format!("(SELECT COUNT(*) FROM recovery_requests WHERE key = ${key} AND requested_at > $2) < ${limit}"));
        values.push(quota.key.into());
        values.push(quota.per_hour.into());
    }
    (room.join(" AND "), values)
}

#[derive(FromQueryResult)]
struct Room {
    room: bool,
}

/// Whether every one of `quotas` has room at `now`, read without a transaction or a lock: a
/// request past a limit is refused on this one read, so a flood past the limits takes no write
/// lock and no turn. Room it finds is only a hint; [`take_places`] decides.
async fn has_room(db: &impl ConnectionTrait, quotas: &[Quota<'_>], now: DateTime<Utc>) -> Result<bool, DbErr> {
    let (room, values) = room_in(quotas, now);
    let found = Room::find_by_statement(statement(db, &format!("SELECT {room} AS room"), values)).one(db).await?;
    Ok(found.is_some_and(|r| r.room))
}

/// Counts one "Forgot password?" request for `address_key` from `client` if both are under
/// their hourly limits; answers whether they were.
async fn count_request(db: &DatabaseConnection, address_key: &str, client: &str, now: DateTime<Utc>) -> Result<bool, AppError> {
    let client_key = format!("client:{client}");
    let quotas = [
        Quota { key: address_key, per_hour: MAX_REQUESTS_PER_ADDRESS },
        Quota { key: &client_key, per_hour: MAX_REQUESTS_PER_CLIENT },
    ];
    if !has_room(db, &quotas, now).await? {
        return Ok(false);
    }
    let txn = begin_write(db).await?;
    let counted = take_places(&txn, &quotas, now).await?;
    txn.commit().await?;
    Ok(counted)
}

/// Counts a reset an admin sends to `person` (a link or a PIN-reset handout) inside `txn`, or
/// refuses it once [`MAX_ADMIN_RESETS_PER_PERSON`] went this hour: an admin cannot flood a
/// person's mailbox, nor keep their PIN from ever working.
async fn count_admin_reset(txn: &impl ConnectionTrait, person: &user::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let key = format!("person:{}", person.id);
    if take_places(txn, &[Quota { key: &key, per_hour: MAX_ADMIN_RESETS_PER_PERSON }], now).await? {
        return Ok(());
    }
    Err(AppError::Limited(format!(
        "{} has been sent {MAX_ADMIN_RESETS_PER_PERSON} resets in the last hour. Try again later.",
        person.name
    )))
}

/// "Forgot password?": if `typed` is the address of an active account and neither limit is
/// reached, queues a reset link to it. The caller always gets the same `Ok(())` after at least
/// [`FORGOT_ANSWER_TIME`], whether the account exists, is deactivated, is a shop-floor worker
/// or a limit was hit; only the server log tells.
pub async fn forgot_password(
    db: &DatabaseConnection,
    settings: &Settings,
    outbox: &OutboxSignal,
    now: DateTime<Utc>,
    client: &str,
    typed: &str,
) -> Result<(), AppError> {
    let answer_at = tokio::time::Instant::now() + FORGOT_ANSWER_TIME;
    let outcome = forgot(db, settings, outbox, now, client, typed).await;
    tokio::time::sleep_until(answer_at).await;
    match outcome {
        Err(AppError::Field { .. }) => outcome,
        Err(err) => {
            tracing::warn!(error = %err, "a password reset request failed; answered as usual");
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}

async fn forgot(db: &DatabaseConnection, settings: &Settings, outbox: &OutboxSignal, now: DateTime<Utc>, client: &str, typed: &str) -> Result<(), AppError> {
    let email = WorkEmail::parse(typed).map_err(|msg| AppError::field("email", msg))?;
    let address_key = format!("address:{}", hash_token(email.canonical()));
    if !count_request(db, &address_key, client, now).await? {
        tracing::info!(client = %client, "password reset request over its limit: nothing sent");
        return Ok(());
    }
    let txn = begin_write(db).await?;
    let person = user::Entity::find().filter(user::Column::EmailCanonical.eq(email.canonical())).one(&txn).await?;
    match person.filter(is_active) {
        Some(person) => {
            queue_reset_mail(&txn, settings, &person, None, now).await?;
            txn.commit().await?;
            outbox.wake();
            tracing::info!(user_id = person.id, "password reset asked for and sent");
        }
        None => tracing::info!("password reset asked for an address with no active account: nothing sent"),
    }
    Ok(())
}

/// The open reset of `kind` whose secret hashes to `secret_hash`, with its active account.
async fn open_reset(db: &impl ConnectionTrait, secret_hash: &str, now: DateTime<Utc>) -> Result<Option<(access_reset::Model, user::Model)>, AppError> {
    let Some(reset) = access_reset::Entity::find()
        .filter(access_reset::Column::SecretHash.eq(secret_hash))
        .filter(access_reset::Column::UsedAt.is_null())
        .filter(access_reset::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let person = user::Entity::find_by_id(reset.user_id).one(db).await?.filter(is_active);
    Ok(person.map(|p| (reset, p)))
}

/// The name of the person whose reset link this browser holds, if it still works.
pub async fn reset_link_valid(db: &impl ConnectionTrait, token: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    match open_reset(db, &hash_token(token), now).await? {
        Some((reset, person)) if reset.kind == Kind::Password => Ok(person.email.unwrap_or(person.name)),
        _ => Err(AppError::ResetLinkInvalid),
    }
}

/// Uses reset `reset` (once: a conditional update), sets `person`'s new password hash, ends
/// every session of theirs, records `completed`, and starts a session for this browser.
async fn finish(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    reset: &access_reset::Model,
    person: &user::Model,
    hash: String,
    completed: AuditEventType,
) -> Result<(user::Model, SecretToken), Option<AppError>> {
    let txn = begin_write(db).await.map_err(|e| Some(e.into()))?;
    let used = access_reset::Entity::update_many()
        .col_expr(access_reset::Column::UsedAt, Expr::value(now))
        .filter(access_reset::Column::Id.eq(reset.id))
        .filter(access_reset::Column::UsedAt.is_null())
        .filter(access_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await
        .map_err(|e| Some(e.into()))?;
    if used.rows_affected != 1 {
        return Err(None);
    }
    let updated = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(user::Column::LastSignInAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(person.id))
        .filter(user::Column::Status.eq(user::STATUS_ACTIVE))
        .exec(&txn)
        .await
        .map_err(|e| Some(e.into()))?;
    if updated.rows_affected != 1 {
        return Err(None); // deactivated meanwhile
    }
    session::Entity::delete_many().filter(session::Column::UserId.eq(person.id)).exec(&txn).await.map_err(|e| Some(e.into()))?;
    record(&txn, person_event(completed, Some(person.id), person), now).await.map_err(|e| Some(e.into()))?;
    let token = create_session(&txn, person.id, now, settings).await.map_err(|e| Some(e.into()))?;
    txn.commit().await.map_err(|e| Some(e.into()))?;
    Ok((person.clone(), token))
}

/// Sets a new password from the reset link `token`: the password rule applies, every other
/// session ends, and it is recorded. Any unusable link is `ResetLinkInvalid`.
pub async fn complete_password_reset(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
    token: &str,
    password: String,
    confirmation: &str,
) -> Result<(user::Model, SecretToken), AppError> {
    let (reset, person) = match open_reset(db, &hash_token(token), now).await? {
        Some((reset, person)) if reset.kind == Kind::Password && person.email.is_some() => (reset, person),
        _ => return Err(AppError::ResetLinkInvalid),
    };
    let password = NewPassword::parse(password, person.email.as_deref().unwrap_or_default()).map_err(|msg| AppError::field("password", msg))?;
    if password.expose() != confirmation {
        return Err(AppError::field("password_confirmation", "The two passwords do not match."));
    }
    let hash = hash_password(&password).await?;
    let done = finish(db, settings, now, &reset, &person, hash, AuditEventType::PasswordResetCompleted).await;
    let done = done.map_err(|e| e.unwrap_or(AppError::ResetLinkInvalid))?;
    tracing::info!(user_id = person.id, "password reset completed");
    Ok(done)
}

/// "Reset PIN" on the person page: a new setup code for shop-floor worker `id`'s existing
/// account, answered once as a handout. Their old PIN stops working now, their sessions end,
/// and any earlier reset code dies.
pub async fn reset_pin(db: &DatabaseConnection, actor: &Actor, settings: &Settings, now: DateTime<Utc>, id: i32) -> Result<Handout, AppError> {
    let txn = begin_write(db).await?;
    let person = find_for(&txn, actor, Action::ResetAccess, id).await?;
    let (None, Some(number)) = (&person.email, person.employee_number.clone()) else {
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
    let setup_link = settings.link(&format!("new-pin/{}", code.normalised()));
    Ok(Handout {
        invitation_id: person.id,
        name: person.name,
        employee_number: number,
        setup_code: code.display(),
        qr_svg: qr_svg(&setup_link)?,
        setup_link,
        expires_at: expires_at.into(),
    })
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
    let Some(attempt) = reserve_attempt(db, client, now).await? else {
        return Err(too_many_codes());
    };
    let number = match EmployeeNumber::parse(employee_number) {
        Ok(number) => number,
        Err(msg) => {
            release_attempt(db, attempt).await?;
            return Err(AppError::field("employee_number", msg));
        }
    };
    let person = user::Entity::find().filter(user::Column::EmployeeNumberCanonical.eq(number.canonical())).one(db).await?.filter(is_active);
    let reset = match &person {
        Some(p) => access_reset::Entity::find()
            .filter(access_reset::Column::UserId.eq(p.id))
            .filter(access_reset::Column::Kind.eq(Kind::Pin))
            .filter(access_reset::Column::UsedAt.is_null())
            .filter(access_reset::Column::ExpiresAt.gt(now))
            .one(db)
            .await?,
        None => None,
    };
    let code = normalise_typed(typed_code);
    // The guess takes one of the code's wrong-code places before it is compared, as at setup.
    let compared = match &reset {
        Some(r) => {
            let taken = access_reset::Entity::update_many()
                .col_expr(access_reset::Column::FailedAttempts, Expr::col(access_reset::Column::FailedAttempts).add(1))
                .filter(access_reset::Column::Id.eq(r.id))
                .filter(access_reset::Column::UsedAt.is_null())
                .filter(access_reset::Column::FailedAttempts.lt(MAX_WRONG_CODES))
                .exec(db)
                .await?;
            taken.rows_affected == 1
        }
        None => false,
    };
    let (Some(reset), Some(person), Some(code), true) = (reset, person, code, compared) else {
        return Err(AppError::SetupCodeInvalid);
    };
    if hash_token(&code) != reset.secret_hash {
        return Err(AppError::SetupCodeInvalid);
    }
    access_reset::Entity::update_many()
        .col_expr(access_reset::Column::FailedAttempts, Expr::col(access_reset::Column::FailedAttempts).sub(1))
        .filter(access_reset::Column::Id.eq(reset.id))
        .exec(db)
        .await?;
    release_attempt(db, attempt).await?;
    let secret = parse_secret(secret, confirmation, &number)?;
    let hash = hash_password(&secret).await?;
    let done = finish(db, settings, now, &reset, &person, hash, AuditEventType::PinResetCompleted).await;
    let done = done.map_err(|e| e.unwrap_or(AppError::SetupCodeInvalid))?;
    tracing::info!(user_id = person.id, "PIN reset completed");
    Ok(done)
}
