//! SQLite's write-ahead log, copied into the database file off the request path.
//!
//! Pooled SQLite connections are opened with `wal_autocheckpoint` off: left on, the commit
//! that fills the log past 1,000 pages copies it into the database file there and then, ending
//! in an fsync that stalls that request and every write queued behind it. This task does the
//! copy ten times a second instead, in PASSIVE mode, which never blocks readers or writers.
//! Small, frequent copies keep the log short and spread the disk work (`bench/README.md` has
//! the measurements behind the interval). With nothing new in the log, a checkpoint does no
//! I/O.
//!
//! A PASSIVE checkpoint copies pages but never shortens the log: under steady load some reader
//! is always on it, so it never starts again from the top and keeps its high-water size (913
//! MB after one benchmark). Once the log passes [`LOG_LIMIT_PAGES`], the task also runs a
//! TRUNCATE checkpoint, at most once a second: the PASSIVE one just before has copied nearly
//! everything, so it only waits for the readers of the moment (milliseconds; writers wait with
//! it) and then cuts the file to nothing. Connections also set `journal_size_limit`, so a log
//! that starts again on its own is cut back to that size.

use sea_orm::{DatabaseConnection, DbBackend, DbErr, FromQueryResult, Statement};

const EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The log is cut back once it holds this many pages (16 MiB at SQLite's 4 KiB pages).
pub const LOG_LIMIT_PAGES: i64 = 4096;

/// What a log left alone shrinks back to when it starts again (`journal_size_limit`), in bytes.
pub const LOG_SIZE_LIMIT_BYTES: i64 = 16 * 1024 * 1024;

/// The most often the log is cut back.
const TRUNCATE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// What one checkpoint found: whether it had to stop short for a reader or writer (1) or not
/// (0), pages in the log, and how many of them are now in the database file.
#[derive(Debug, FromQueryResult, PartialEq, Eq)]
pub struct Checkpoint {
    pub busy: i64,
    pub log: i64,
    pub checkpointed: i64,
}

/// Copies what it can of the log into the database file; `None` when `db` is not SQLite.
pub async fn checkpoint(db: &DatabaseConnection) -> Result<Option<Checkpoint>, DbErr> {
    run_pragma(db, "PRAGMA wal_checkpoint(PASSIVE)").await
}

/// Copies all of the log into the database file, waiting for the readers still on it, and
/// empties the log file; `None` when `db` is not SQLite.
pub async fn truncate(db: &DatabaseConnection) -> Result<Option<Checkpoint>, DbErr> {
    run_pragma(db, "PRAGMA wal_checkpoint(TRUNCATE)").await
}

async fn run_pragma(db: &DatabaseConnection, pragma: &str) -> Result<Option<Checkpoint>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    Checkpoint::find_by_statement(Statement::from_string(DbBackend::Sqlite, pragma)).one(db).await
}

/// Runs [`checkpoint`] every 100 ms, and [`truncate`] when the log has grown past its limit,
/// until the process ends (at once if `db` is not SQLite).
pub async fn run(db: DatabaseConnection) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let mut cut_at: Option<tokio::time::Instant> = None;
    loop {
        tokio::time::sleep(EVERY).await;
        match checkpoint(&db).await {
            Ok(Some(done)) if done.log >= LOG_LIMIT_PAGES && cut_at.is_none_or(|at| at.elapsed() >= TRUNCATE_EVERY) => {
                cut_at = Some(tokio::time::Instant::now());
                if let Err(err) = truncate(&db).await {
                    tracing::warn!(error = %err, "could not cut back the SQLite log");
                }
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "could not checkpoint the SQLite log"),
        }
    }
}
