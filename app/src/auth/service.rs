//! Credentials, accounts and sessions, over any sea-orm connection.

use crate::domain::email::WorkEmail;
use crate::domain::{Identity, IdentityKind, Role};
use crate::domain::password::{NewPassword, hash_password, verify_password};
use crate::error::AppError;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::units_of_request;
use crate::ssr::entities::{session, user};
use crate::ssr::models::user::{is_active, new_active};
use crate::ssr::tokens::{SecretToken, hash_token};
use crate::ssr::{Actor, Settings};
use super::CurrentUser;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

pub const SESSION_COOKIE: &str = "onboard_session";

/// What someone typed to say who they are, canonicalised: an address signs in by email,
/// anything else is tried as a shop-floor employee number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identifier {
    Known(Identity),
    /// Neither an address nor an employee number: no account can have it, but it is still
    /// counted like one.
    Unrecognised(String),
}

impl Identifier {
    pub fn parse(input: &str) -> Identifier {
        Identity::read(input).map(Identifier::Known).unwrap_or_else(|| Identifier::Unrecognised(input.trim().to_lowercase()))
    }

    /// One string per identifier, for counting failures against it.
    pub fn key(&self) -> String {
        match self {
            Identifier::Known(identity) => failure_key(identity.kind(), identity.canonical()),
            Identifier::Unrecognised(raw) => format!("other:{raw}"),
        }
    }
}

/// The string failures against an identity are counted under, from its canonical form.
pub fn failure_key(kind: IdentityKind, canonical: &str) -> String {
    match kind {
        IdentityKind::Email => format!("email:{canonical}"),
        IdentityKind::EmployeeNumber => format!("number:{canonical}"),
    }
}

/// The outcome of checking credentials: the account the identifier names (if any) and whether
/// it may sign in with the password given.
pub struct Verdict {
    pub found: Option<user::Model>,
    pub accepted: bool,
}

/// Checks an identifier and a password or PIN. An unknown identifier, a disabled account and a
/// wrong password all cost one argon2 verification, so the timing does not tell them apart.
/// `Busy` when the hashing queue is full (nothing was checked).
pub async fn authenticate(
    db: &impl ConnectionTrait,
    id: &Identifier,
    password: String,
    decoy_hash: &str,
) -> Result<Verdict, AppError> {
    let found = match id {
        Identifier::Known(identity) => {
            let column = match identity.kind() {
                IdentityKind::Email => user::Column::EmailCanonical,
                IdentityKind::EmployeeNumber => user::Column::EmployeeNumberCanonical,
            };
            user::Entity::find().filter(column.eq(identity.canonical())).one(db).await?
        }
        Identifier::Unrecognised(_) => None,
    };
    let usable = found.as_ref().filter(|u| is_active(u) && u.password_hash.is_some());
    let hash = usable.and_then(|u| u.password_hash.clone()).unwrap_or_else(|| decoy_hash.to_owned());
    let matches = verify_password(password, hash).await?;
    let accepted = usable.is_some() && matches;
    Ok(Verdict { found, accepted })
}

/// Starts a session for `user_id` after they signed in (noted as their last sign-in); the raw
/// token goes in the cookie, only its hash is stored.
pub async fn start_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
    settings: &Settings,
) -> Result<SecretToken, DbErr> {
    // Housekeeping: this user's expired sessions are of no further use.
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastSignInAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    create_session(db, user_id, now, settings).await
}

/// Stores a new session for `user_id` (for a user who has none yet, or after housekeeping).
pub async fn create_session(
    db: &impl ConnectionTrait,
    user_id: i32,
    now: DateTime<Utc>,
    settings: &Settings,
) -> Result<SecretToken, DbErr> {
    let token = SecretToken::generate();
    session::Entity::insert(session::ActiveModel {
        id_hash: Set(token.hash()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + settings.session_ttl),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// The active user a session cookie belongs to, if the session exists and has not expired:
/// the acting identity, and the row it was read from.
pub async fn resolve_session(
    db: &impl ConnectionTrait,
    raw_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Actor, user::Model)>, DbErr> {
    // One query for session and user: this runs on every request. Expired sessions are
    // removed when their user next signs in.
    let live_session = Query::select()
        .column(session::Column::UserId)
        .from(session::Entity)
        .and_where(Expr::col(session::Column::IdHash).eq(hash_token(raw_token)))
        .and_where(Expr::col(session::Column::ExpiresAt).gt(now))
        .to_owned();
    let user = user::Entity::find()
        .filter(user::Column::Id.in_subquery(live_session))
        .filter(user::Column::Status.eq(user::Status::Active))
        .one(db)
        .await?;
    Ok(user.map(|u| (actor_of(&u), u)))
}

/// Ends the session the browser behind `headers` holds, if any, before someone else signs in on
/// it: on a shared terminal the previous person's session ends on the server too, not only in
/// this browser's cookie.
pub async fn end_browser_session(db: &impl ConnectionTrait, headers: &http::HeaderMap, settings: &Settings) -> Result<(), DbErr> {
    match session_cookie(headers, settings) {
        Some(previous) => end_session(db, &previous).await,
        None => Ok(()),
    }
}

/// Ends the session a cookie names (whether or not it still exists).
pub async fn end_session(db: &impl ConnectionTrait, raw_token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(hash_token(raw_token)).exec(db).await?;
    Ok(())
}

/// The acting identity of a stored user.
pub fn actor_of(user: &user::Model) -> Actor {
    Actor {
        user_id: user.id,
        name: user.name.clone(),
        email: user.email.clone(),
        role: user.role,
        department_id: user.department_id,
    }
}

/// The signed-in person as shown in the browser, from their row as the session read it, with
/// unit names from the request's one reading of the units (the page beside it names units too).
pub async fn current_user(db: &impl ConnectionTrait, actor: &Actor, row: &user::Model) -> Result<CurrentUser, DbErr> {
    let (department, location) = if actor.department_id.is_some() || row.location_id.is_some() {
        let units = units_of_request(db).await?;
        let name = |kind, id: Option<i32>| id.and_then(|id| units.names(kind).remove(&id));
        (name(UnitKind::Department, actor.department_id), name(UnitKind::Location, row.location_id))
    } else {
        (None, None)
    };
    Ok(CurrentUser {
        id: actor.user_id,
        name: actor.name.clone(),
        email: actor.email.clone(),
        role: actor.role,
        department,
        location,
        job_title: row.job_title.clone(),
        phone: row.phone.clone(),
        preferred_language: row.preferred_language.clone(),
    })
}

/// A person to create directly (by the CLI or the demo seed), already validated.
#[derive(Debug)]
pub struct NewAccount {
    pub email: WorkEmail,
    pub name: String,
    pub role: Role,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    pub password: NewPassword,
}

/// Creates an active account with a password.
pub async fn create_account(
    db: &impl ConnectionTrait,
    account: NewAccount,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    let taken = user::Entity::find()
        .filter(user::Column::EmailCanonical.eq(account.email.canonical()))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(AppError::field("email", "An account with this email address already exists."));
    }
    let name = account.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::field("name", "Enter a name of 1 to 200 characters."));
    }
    let hash = hash_password(&account.password).await?;
    let who = user::ActiveModel {
        email: Set(Some(account.email.as_str().to_owned())),
        email_canonical: Set(Some(account.email.canonical().to_owned())),
        name: Set(name),
        role: Set(account.role),
        department_id: Set(account.department_id),
        location_id: Set(account.location_id),
        ..Default::default()
    };
    let model = new_active(who, hash, now);
    let created = user::Entity::insert(model).exec_with_returning(db).await?;
    crate::ssr::models::search_terms::index(db, &created).await?;
    Ok(created)
}

/// The session cookie value sent by the browser, if any.
pub fn session_cookie(headers: &http::HeaderMap, settings: &Settings) -> Option<String> {
    crate::ssr::cookie_value(headers, SESSION_COOKIE, settings)
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure over https.
pub fn session_set_cookie(token: &SecretToken, settings: &Settings) -> String {
    let max_age = cookie::time::Duration::seconds(settings.session_ttl.num_seconds());
    crate::ssr::cookie_header(SESSION_COOKIE, token.expose(), max_age, settings)
}

/// `Set-Cookie` that removes the session cookie.
pub fn session_clear_cookie(settings: &Settings) -> String {
    crate::ssr::cookie_header(SESSION_COOKIE, "", cookie::time::Duration::ZERO, settings)
}
