//! Counting attempts in a window, exactly under concurrency, for every limit that keeps its
//! count in the database: sign-in failures, wrong setup codes, "Forgot password?" requests
//! and resets an admin sends. (Invitations per admin keep a numbered history of their own in
//! `invitations::service::rate_limit`, because a bulk import reads it thousands of times.)
//!
//! Each limit takes a place with one conditional insert ("insert if the count is under the
//! limit"), so a request past a limit writes nothing. Two requests for the same key must not
//! both read a count with room: SQLite's write lock (`begin_write`) already serialises every
//! writer; on PostgreSQL [`take_turn`] serialises the requests for one key with an advisory
//! lock held until the transaction ends. Housekeeping sweeps every table counted here.

use super::raw::statement;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult};

/// What an advisory lock serialises on PostgreSQL. Each class is a separate space of keys, so
/// a client address and an account with the same text never share a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockClass {
    /// Sign-in failures of one client.
    SignInClient,
    /// Sign-in failures of one account.
    SignInAccount,
    /// Wrong setup codes from one client.
    SetupClient,
    /// The last active Corporate Admin: a change that could remove them.
    CorporateAdmins,
    /// "Forgot password?" requests and admin resets, by key.
    Recovery,
}

impl LockClass {
    /// The first argument of `pg_advisory_xact_lock(int, int)`: fixed, since locks taken by
    /// servers of different versions on one database must still meet.
    const fn number(self) -> i32 {
        match self {
            Self::SignInClient => 1,
            Self::SignInAccount => 2,
            Self::SetupClient => 3,
            Self::CorporateAdmins => 4,
            Self::Recovery => 5,
        }
    }
}

/// Waits, on PostgreSQL, until no other transaction holds `class`'s lock for `key`, and holds
/// it until `txn` ends. Does nothing on SQLite, whose write transaction serialises already.
/// Take several locks in one fixed order, so two requests never wait for each other.
pub async fn take_turn(txn: &impl ConnectionTrait, class: LockClass, key: &str) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock($1, hashtext($2))";
        txn.execute_raw(statement(txn, lock, vec![class.number().into(), key.into()])).await?;
    }
    Ok(())
}

/// Like [`take_turn`] for a class with a single key: every request of `class` takes turns.
pub async fn take_class_turn(txn: &impl ConnectionTrait, class: LockClass) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock($1, 0)";
        txn.execute_raw(statement(txn, lock, vec![class.number().into()])).await?;
    }
    Ok(())
}

/// An hourly count of recovery requests (`recovery_requests`), by key: an address, a client,
/// or a person an admin sends resets to.
pub struct Quota<'a> {
    pub key: &'a str,
    pub per_hour: i64,
}

/// Takes one place in each of `quotas` at `now`, in one conditional insert inside `txn`, if
/// every one of them has room; answers whether it did. Nothing is written when any is full, so
/// requests past a limit add no rows. Exact: each key's requests take turns ([`take_turn`], in
/// key order so two never wait for each other).
pub async fn take_places(txn: &impl ConnectionTrait, quotas: &[Quota<'_>], now: DateTime<Utc>) -> Result<bool, DbErr> {
    let mut keys: Vec<&str> = quotas.iter().map(|q| q.key).collect();
    keys.sort_unstable();
    for key in keys {
        take_turn(txn, LockClass::Recovery, key).await?;
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
pub async fn has_room(db: &impl ConnectionTrait, quotas: &[Quota<'_>], now: DateTime<Utc>) -> Result<bool, DbErr> {
    let (room, values) = room_in(quotas, now);
    let found = Room::find_by_statement(statement(db, &format!("SELECT {room} AS room"), values)).one(db).await?;
    Ok(found.is_some_and(|r| r.room))
}
