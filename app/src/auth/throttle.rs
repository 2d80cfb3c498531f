//! Limits on failed sign-ins, so a 6-digit PIN on a shared terminal cannot be guessed.
//!
//! - Per account and client: after [`MAX_FAILURES_PER_ACCOUNT_AND_CLIENT`] failures within
//!   [`ACCOUNT_WINDOW`] from one client, that client may not sign in to that account until the
//!   oldest of them is that old. Someone guessing from one place locks only themselves out, not
//!   the account's owner elsewhere.
//! - Per account: [`MAX_FAILURES_PER_ACCOUNT`] failures within the same window, from any
//!   clients, lock the account for everyone. This bounds guessing from many addresses at once:
//!   at most 20 per 15 minutes, under 2,000 a day, against about a million PINs.
//! - Per client: [`MAX_FAILURES_PER_CLIENT`] failures an hour from one address, across
//!   accounts, stop that address (one common PIN tried against every employee number).
//! - An admin who may manage the person can lift every lock on their account at once
//!   (`people::service::unlock`, which asks [`clear_failures`] here).
//!
//! Accounts are keyed by a hash of the identifier as canonicalised, whether or not an account
//! has it, so an unknown identifier locks exactly like a known one and the lock tells nothing.
//! Each attempt is reserved as a failure *before* the password is checked, by one conditional
//! insert that checks both limits (serialised per client and per account by advisory locks on
//! PostgreSQL, by its write lock on SQLite), so simultaneous guesses cannot slip past either
//! limit; a success deletes the account's reservations.

use super::service::{Identifier, authenticate, failure_key};
use crate::domain::IdentityKind;
use crate::audit::dto::AuditEventType;
use crate::audit::service::record;
use crate::error::AppError;
use crate::ssr::entities::user;
use crate::ssr::limiter::{LockClass, take_turn};
use crate::ssr::raw::statement;
use crate::ssr::tokens::hash_token;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, FromQueryResult, TransactionTrait};
use std::collections::{HashMap, HashSet};

pub const MAX_FAILURES_PER_ACCOUNT_AND_CLIENT: i64 = 5;
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 20;
pub const ACCOUNT_WINDOW: Duration = Duration::minutes(15);
pub const MAX_FAILURES_PER_CLIENT: i64 = 100;
pub const CLIENT_WINDOW: Duration = Duration::hours(1);

#[derive(FromQueryResult)]
struct Failures {
    n: i64,
    oldest: Option<DateTime<Utc>>,
}

/// Failures recorded for `column = key` since `since`, and when the oldest of them happened.
async fn failures(db: &impl ConnectionTrait, column: &str, key: &str, since: DateTime<Utc>) -> Result<Failures, AppError> {
    let sql = format!("SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM sign_in_failures WHERE {column} = $1 AND failed_at > $2");
    Failures::find_by_statement(statement(db, &sql, vec![key.into(), since.into()]))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a COUNT of sign-in failures returned no row"))
}

/// Failures recorded for `account` from `client` since `since`, and when the oldest happened.
async fn pair_failures(db: &impl ConnectionTrait, account: &str, client: &str, since: DateTime<Utc>) -> Result<Failures, AppError> {
    let sql = "SELECT COUNT(*) AS n, MIN(failed_at) AS oldest FROM sign_in_failures \
        WHERE account = $1 AND client = $2 AND failed_at > $3";
    Failures::find_by_statement(statement(db, sql, vec![account.into(), client.into(), since.into()]))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("a COUNT of sign-in failures returned no row"))
}

/// The lock error, with the wait until the oldest failure leaves the window (at least a minute).
fn locked(oldest: Option<DateTime<Utc>>, window: Duration, now: DateTime<Utc>) -> AppError {
    let free_at = oldest.map_or(now + window, |t| t + window);
    let seconds = Ord::max((free_at - now).num_seconds(), 1);
    AppError::SignInLocked { minutes: (seconds + 59) / 60 }
}

/// Where a reserved attempt stands: the failures (itself included) its account and its client
/// now have within their windows, counted under the lock that serialises them.
struct Reservation {
    pair_position: i64,
    account_position: i64,
    client_position: i64,
}

/// Reserves one attempt for `account` from `client`, or refuses while either is locked.
async fn reserve(db: &DatabaseConnection, account: &str, client: &str, now: DateTime<Utc>) -> Result<Reservation, AppError> {
    let txn = db.begin().await?;
    // Always the client first, then the account, so two attempts never wait on each other in
    // opposite orders.
    take_turn(&txn, LockClass::SignInClient, client).await?;
    take_turn(&txn, LockClass::SignInAccount, account).await?;
    let insert = "INSERT INTO sign_in_failures (account, client, failed_at) SELECT $1, $2, $3 \
        WHERE (SELECT COUNT(*) FROM sign_in_failures WHERE account = $1 AND client = $2 AND failed_at > $4) < $5 \
        AND (SELECT COUNT(*) FROM sign_in_failures WHERE account = $1 AND failed_at > $4) < $6 \
        AND (SELECT COUNT(*) FROM sign_in_failures WHERE client = $2 AND failed_at > $7) < $8";
    let values = vec![
        account.into(),
        client.into(),
        now.into(),
        (now - ACCOUNT_WINDOW).into(),
        MAX_FAILURES_PER_ACCOUNT_AND_CLIENT.into(),
        MAX_FAILURES_PER_ACCOUNT.into(),
        (now - CLIENT_WINDOW).into(),
        MAX_FAILURES_PER_CLIENT.into(),
    ];
    let reserved = txn.execute_raw(statement(&txn, insert, values)).await?.rows_affected() > 0;
    let by_pair = pair_failures(&txn, account, client, now - ACCOUNT_WINDOW).await?;
    let by_account = failures(&txn, "account", account, now - ACCOUNT_WINDOW).await?;
    let by_client = failures(&txn, "client", client, now - CLIENT_WINDOW).await?;
    txn.commit().await?;
    if reserved {
        Ok(Reservation { pair_position: by_pair.n, account_position: by_account.n, client_position: by_client.n })
    } else if by_client.n >= MAX_FAILURES_PER_CLIENT {
        Err(locked(by_client.oldest, CLIENT_WINDOW, now))
    } else if by_account.n >= MAX_FAILURES_PER_ACCOUNT {
        Err(locked(by_account.oldest, ACCOUNT_WINDOW, now))
    } else {
        Err(locked(by_pair.oldest, ACCOUNT_WINDOW, now))
    }
}

/// After a failure: records in the Audit log that a real account has just been locked (so an
/// admin asked "why can't I sign in?" can see it), and logs a client that has just been
/// stopped. Each is written once, by the attempt that reached the limit.
async fn note_failure(
    db: &DatabaseConnection,
    client: &str,
    at: &Reservation,
    found: Option<&user::Model>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if at.client_position == MAX_FAILURES_PER_CLIENT {
        tracing::warn!(client = %client, "sign-in from this client stopped for up to an hour after repeated failures");
    }
    let just_locked = at.pair_position == MAX_FAILURES_PER_ACCOUNT_AND_CLIENT || at.account_position == MAX_FAILURES_PER_ACCOUNT;
    let Some(user) = found.filter(|_| just_locked) else { return Ok(()) };
    tracing::warn!(user_id = user.id, "sign-in locked after repeated failures");
    let event = crate::audit::service::person_event(AuditEventType::SignInLocked, None, user);
    Ok(record(db, event, now).await?)
}

/// The keys an account's failures are counted under: its email and its employee number, in
/// the canonical form sign-in reads them in.
fn account_keys(user: &user::Model) -> Vec<String> {
    let email = user.email_canonical.as_deref().map(|c| failure_key(IdentityKind::Email, c));
    let number = user.employee_number_canonical.as_deref().map(|c| failure_key(IdentityKind::EmployeeNumber, c));
    email.into_iter().chain(number).map(|key| hash_token(&key)).collect()
}

#[derive(FromQueryResult)]
struct PairCount {
    account: String,
    n: i64,
}

/// Which of `users` cannot sign in right now: locked for everyone, or from some client.
pub async fn locked_users(db: &impl ConnectionTrait, users: &[user::Model], now: DateTime<Utc>) -> Result<HashSet<i32>, AppError> {
    let owner: HashMap<String, i32> = users.iter().flat_map(|u| account_keys(u).into_iter().map(move |k| (k, u.id))).collect();
    if owner.is_empty() {
        return Ok(HashSet::new());
    }
    let counts = Query::select()
        .column("account")
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .from("sign_in_failures")
        .and_where(Expr::col("account").is_in(owner.keys().cloned()))
        .and_where(Expr::col("failed_at").gt(now - ACCOUNT_WINDOW))
        .group_by_columns(["account", "client"])
        .to_owned();
    let rows = PairCount::find_by_statement(db.get_database_backend().build(&counts)).all(db).await?;
    let mut per_account: HashMap<&str, i64> = HashMap::new();
    let mut locked = HashSet::new();
    for row in &rows {
        *per_account.entry(row.account.as_str()).or_default() += row.n;
        if row.n >= MAX_FAILURES_PER_ACCOUNT_AND_CLIENT {
            locked.insert(owner[&row.account]);
        }
    }
    locked.extend(per_account.into_iter().filter(|(_, n)| *n >= MAX_FAILURES_PER_ACCOUNT).map(|(k, _)| owner[k]));
    Ok(locked)
}

#[derive(FromQueryResult)]
struct PairOldest {
    n: i64,
    oldest: Option<DateTime<Utc>>,
}

/// When the sign-in lock on `user`'s account ends, if one holds at `now`: the later of the
/// lock for everyone and the longest lock from one client.
pub async fn locked_until(db: &impl ConnectionTrait, user: &user::Model, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
    let keys = account_keys(user);
    if keys.is_empty() {
        return Ok(None);
    }
    let per_pair = Query::select()
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .expr_as(Expr::cust("MIN(failed_at)"), "oldest")
        .from("sign_in_failures")
        .and_where(Expr::col("account").is_in(keys))
        .and_where(Expr::col("failed_at").gt(now - ACCOUNT_WINDOW))
        .group_by_columns(["account", "client"])
        .to_owned();
    let rows = PairOldest::find_by_statement(db.get_database_backend().build(&per_pair)).all(db).await?;
    let total: i64 = rows.iter().map(|r| r.n).sum();
    let everyone = (total >= MAX_FAILURES_PER_ACCOUNT).then(|| rows.iter().filter_map(|r| r.oldest).min()).flatten();
    let one_client = rows.iter().filter(|r| r.n >= MAX_FAILURES_PER_ACCOUNT_AND_CLIENT).filter_map(|r| r.oldest).min();
    Ok(everyone.into_iter().chain(one_client).max().map(|oldest| oldest + ACCOUNT_WINDOW))
}

/// Lifts every sign-in lock on `person`'s account at once: forgets the failures counted
/// against it. The per-client limits of the clients involved stay as they are.
pub async fn clear_failures(db: &impl ConnectionTrait, person: &user::Model) -> Result<(), DbErr> {
    let delete = Query::delete()
        .from_table("sign_in_failures")
        .and_where(Expr::col("account").is_in(account_keys(person)))
        .to_owned();
    db.execute(&delete).await?;
    Ok(())
}

/// Signs in with an email or employee number and a password or PIN, under the limits above.
/// Every refusal is `InvalidCredentials` or `SignInLocked`, alike for known and unknown
/// identifiers.
pub async fn sign_in(
    db: &DatabaseConnection,
    identifier: &str,
    password: String,
    client: &str,
    now: DateTime<Utc>,
    decoy_hash: &str,
) -> Result<user::Model, AppError> {
    let id = Identifier::parse(identifier);
    let account = hash_token(&id.key());
    let reservation = reserve(db, &account, client, now).await?;
    let verdict = match authenticate(db, &id, password, decoy_hash).await {
        Ok(verdict) => verdict,
        Err(AppError::Busy) => {
            // Nothing was checked: the attempt must not count as a failure.
            let release = "DELETE FROM sign_in_failures WHERE id = (SELECT MAX(id) FROM sign_in_failures \
                WHERE account = $1 AND client = $2 AND failed_at = $3)";
            db.execute_raw(statement(db, release, vec![account.into(), client.into(), now.into()])).await?;
            return Err(AppError::Busy);
        }
        Err(other) => return Err(other),
    };
    match verdict.found {
        Some(user) if verdict.accepted => {
            db.execute_raw(statement(db, "DELETE FROM sign_in_failures WHERE account = $1", vec![account.into()]))
                .await?;
            Ok(user)
        }
        found => {
            note_failure(db, client, &reservation, found.as_ref(), now).await?;
            Err(AppError::InvalidCredentials)
        }
    }
}
