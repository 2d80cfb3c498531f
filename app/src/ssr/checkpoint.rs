//! SQLite's write-ahead log, copied into the database file off the request path.
//!
//! Pooled SQLite connections are opened with `wal_autocheckpoint` off: left on, the commit
//! that fills the log past 1,000 pages copies it into the database file there and then, ending
//! in an fsync that stalls that request and every write queued behind it. This task does the
//! copy ten times a second instead, in PASSIVE mode, which never blocks readers or writers.
//! Small, frequent copies keep the log short and spread the disk work (`bench/README.md` has
//! the measurements behind the interval). With nothing new in the log, a checkpoint does no
//! I/O.

use sea_orm::{DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};

const EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// What one checkpoint found: pages in the log, and how many of them are now in the database
/// file.
#[derive(Debug, FromQueryResult, PartialEq, Eq)]
pub struct Checkpoint {
    pub log: i64,
    pub checkpointed: i64,
}

/// Copies what it can of the log into the database file; `None` when `db` is not SQLite.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<Option<Checkpoint>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let pragma = Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(PASSIVE)");
    Checkpoint::find_by_statement(pragma).one(db).await
}

/// Runs [`checkpoint`] every 100 ms until the process ends (at once if `db` is not SQLite).
pub async fn run(db: DatabaseConnection) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    loop {
        tokio::time::sleep(EVERY).await;
        if let Err(err) = checkpoint(&db).await {
            tracing::warn!(error = %err, "could not checkpoint the SQLite log");
        }
    }
}
