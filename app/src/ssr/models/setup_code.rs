//! A setup code a shop-floor worker types, checked against the one stored for them: the code on
//! a first sign-up handout (a shop-floor invitation) or on a PIN-reset handout (an access
//! reset). One check for both, so the two pages can never limit guesses differently.
//!
//! Wrong codes are limited twice: [`MAX_WRONG_CODES`] per stored code, after which the code is
//! dead and the admin must issue a new one, and [`MAX_WRONG_CODES_PER_CLIENT`] per client per
//! hour, across all accounts. Both are exact under concurrency: a guess takes its places in
//! both counts before the code is compared, and a right code gives them back.

use super::invitation::{give_back_wrong_code_place, take_wrong_code_place};
use crate::domain::employee_number::EmployeeNumber;
use crate::domain::password::NewPassword;
use crate::domain::setup_code::normalise_typed;
use crate::error::AppError;
use crate::ssr::begin_write;
use crate::ssr::entities::access_reset;
use crate::ssr::limiter::{LockClass, take_turn};
use crate::ssr::raw::statement;
use crate::ssr::tokens::hash_token;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, FromQueryResult, QueryFilter};

pub const MAX_WRONG_CODES: i32 = 5;
pub const MAX_WRONG_CODES_PER_CLIENT: i64 = 20;

/// A stored setup code (only its hash) and where its wrong guesses are counted.
pub enum StoredCode {
    /// A shop-floor invitation's code, on the first handout.
    Invitation { id: i32, hash: String },
    /// A PIN reset's code, on a PIN-reset handout.
    PinReset { id: i32, hash: String },
}

impl StoredCode {
    fn hash(&self) -> &str {
        match self {
            Self::Invitation { hash, .. } | Self::PinReset { hash, .. } => hash,
        }
    }

    /// Takes one of the code's wrong-code places for a guess about to be compared; `false`
    /// when none is left (the code is dead).
    async fn take_place(&self, db: &impl ConnectionTrait) -> Result<bool, DbErr> {
        match self {
            Self::Invitation { id, .. } => take_wrong_code_place(db, *id, MAX_WRONG_CODES).await,
            Self::PinReset { id, .. } => {
                let taken = access_reset::Entity::update_many()
                    .col_expr(access_reset::Column::FailedAttempts, Expr::col(access_reset::Column::FailedAttempts).add(1))
                    .filter(access_reset::Column::Id.eq(*id))
                    .filter(access_reset::Column::UsedAt.is_null())
                    .filter(access_reset::Column::FailedAttempts.lt(MAX_WRONG_CODES))
                    .exec(db)
                    .await?;
                Ok(taken.rows_affected == 1)
            }
        }
    }

    /// Gives back the place [`take_place`](Self::take_place) took for a guess that was right.
    async fn give_back_place(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        match self {
            Self::Invitation { id, .. } => give_back_wrong_code_place(db, *id).await,
            Self::PinReset { id, .. } => {
                access_reset::Entity::update_many()
                    .col_expr(access_reset::Column::FailedAttempts, Expr::col(access_reset::Column::FailedAttempts).sub(1))
                    .filter(access_reset::Column::Id.eq(*id))
                    .exec(db)
                    .await?;
                Ok(())
            }
        }
    }
}

/// A typed code that matched the stored one.
pub struct Matched<T> {
    /// The employee number as typed, parsed.
    pub number: EmployeeNumber,
    /// The code in the form codes are hashed in.
    pub code: String,
    /// What the lookup found with the stored code.
    pub found: T,
}

/// Checks `typed_code` for the worker with `employee_number`, typed on `client` (the
/// connection's address, for the per-client limit). `find` answers the worker's open stored
/// code, with whatever the caller needs next. No such worker, no open code, a code that cannot
/// be one and a wrong code all answer `SetupCodeInvalid`, alike.
pub async fn check<T>(
    db: &DatabaseConnection,
    client: &str,
    now: DateTime<Utc>,
    employee_number: &str,
    typed_code: &str,
    find: impl AsyncFnOnce(&EmployeeNumber) -> Result<Option<(StoredCode, T)>, AppError>,
) -> Result<Matched<T>, AppError> {
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
    let stored = find(&number).await?;
    let code = normalise_typed(typed_code);
    // The guess takes one of the code's wrong-code places before it is compared.
    let compared = match &stored {
        Some((stored, _)) => stored.take_place(db).await?,
        None => false,
    };
    let (Some((stored, found)), Some(code), true) = (stored, code, compared) else {
        // Both places stay taken: the client's and the code's, which dies at MAX_WRONG_CODES.
        return Err(AppError::SetupCodeInvalid);
    };
    if hash_token(&code) != stored.hash() {
        return Err(AppError::SetupCodeInvalid);
    }
    stored.give_back_place(db).await?;
    release_attempt(db, attempt).await?;
    Ok(Matched { number, code, found })
}

#[derive(FromQueryResult)]
struct Reserved {
    id: i32,
}

/// Reserves one of `client`'s wrong-code places for this attempt before the code is looked
/// at, in one conditional insert serialised per client, so simultaneous guesses cannot all
/// pass the count. `None` when the client has used its [`MAX_WRONG_CODES_PER_CLIENT`] this hour.
async fn reserve_attempt(db: &DatabaseConnection, client: &str, now: DateTime<Utc>) -> Result<Option<i32>, AppError> {
    let txn = begin_write(db).await?;
    take_turn(&txn, LockClass::SetupClient, client).await?;
    let insert = "INSERT INTO setup_attempts (client, attempted_at) SELECT $1, $2 \
        WHERE (SELECT COUNT(*) FROM setup_attempts WHERE client = $1 AND attempted_at > $3) < $4 RETURNING id";
    let values = vec![client.into(), now.into(), (now - Duration::hours(1)).into(), MAX_WRONG_CODES_PER_CLIENT.into()];
    let reserved = Reserved::find_by_statement(statement(&txn, insert, values)).one(&txn).await?;
    txn.commit().await?;
    Ok(reserved.map(|r| r.id))
}

/// Gives back a reserved place: the attempt turned out not to be a wrong code.
async fn release_attempt(db: &impl ConnectionTrait, id: i32) -> Result<(), AppError> {
    db.execute_raw(statement(db, "DELETE FROM setup_attempts WHERE id = $1", vec![id.into()])).await?;
    Ok(())
}

/// The answer once a client has used its wrong-code places for the hour.
fn too_many_codes() -> AppError {
    AppError::Invalid("Too many wrong setup codes from this device. Try again in an hour, or ask your administrator.".into())
}

/// The new PIN (digits only) or password a worker with `number` chooses with their code, both
/// entries matching.
pub fn parse_secret(secret: String, confirmation: &str, number: &EmployeeNumber) -> Result<NewPassword, AppError> {
    let parsed = if !secret.is_empty() && secret.chars().all(|c| c.is_ascii_digit()) {
        NewPassword::parse_pin(secret, number.as_str())
    } else {
        NewPassword::parse(secret, number.as_str())
    }
    .map_err(|msg| AppError::field("secret", msg))?;
    if parsed.expose() != confirmation {
        return Err(AppError::field("secret_confirmation", "The two entries do not match."));
    }
    Ok(parsed)
}
