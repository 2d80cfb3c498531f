//! Removes rows that no rule reads any more (attempts and recovery requests older than every
//! window that counts them, reset links and codes that no longer work, expired sessions), marks invitations that have run out as expired, so the Invitations tab's
//! Expired filter reads one index, and on SQLite keeps the planner's statistics. Safe to run on
//! several server instances at once.

use super::Clock;
use super::models::invitation::expire_due;
use super::raw::statement;
use chrono::Duration;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr};
use std::sync::Arc;

/// Attempts are read over at most an hour (the invitation limit, the per-client limits); a day
/// keeps them for anyone looking into an incident.
const KEEP_ATTEMPTS: Duration = Duration::days(1);
const EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Deletes what has expired as of the clock's now and marks run-out invitations expired;
/// answers how many rows went and how many invitations it marked.
pub async fn sweep(db: &impl ConnectionTrait, clock: &dyn Clock) -> Result<(u64, u64), DbErr> {
    let now = clock.now();
    let marked = expire_due(db, now).await?;
    let old = now - KEEP_ATTEMPTS;
    let sweeps = [
        ("DELETE FROM invite_attempts WHERE attempted_at < $1", old),
        ("DELETE FROM setup_attempts WHERE attempted_at < $1", old),
        ("DELETE FROM sign_in_failures WHERE failed_at < $1", old),
        ("DELETE FROM recovery_requests WHERE requested_at < $1", old),
        // A reset link or code that was used, replaced or ran out a day ago works for no one.
        ("DELETE FROM access_resets WHERE expires_at < $1 OR used_at < $1", old),
        ("DELETE FROM sessions WHERE expires_at <= $1", now),
    ];
    let mut removed = 0;
    for (sql, before) in sweeps {
        removed += db.execute_raw(statement(db, sql, vec![before.into()])).await?.rows_affected();
    }
    if db.get_database_backend() == DbBackend::Sqlite {
        // SQLite's planner has statistics only when something gathers them; PostgreSQL's
        // autovacuum does it there. `optimize` analyses the tables that have none yet or
        // have grown or shrunk a lot since, each index read no further than a bounded sample
        // (0x10: SQLite's own limit; 0x10000: every table, not only those this connection has
        // read; 0x02: analyse). Usually it does nothing.
        db.execute_unprepared("PRAGMA optimize=0x10012").await?;
    }
    Ok((removed, marked))
}

/// Runs [`sweep`] every ten minutes until the process ends.
pub async fn run(db: DatabaseConnection, clock: Arc<dyn Clock>) {
    loop {
        match sweep(&db, clock.as_ref()).await {
            Ok((0, 0)) => {}
            Ok((removed, marked)) => tracing::debug!(removed, expired_invitations = marked, "housekeeping swept"),
            Err(err) => tracing::warn!(error = %err, "housekeeping could not reach the database"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
