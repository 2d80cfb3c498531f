//! The periodic sweep of rows no rule reads any more.

use crate::helpers::spawn_app;
use app::domain::Role;
use app::ssr::entities::session;
use app::ssr::housekeeping::sweep;
use app::ssr::raw::statement;
use app::ssr::Clock;
use chrono::Duration;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

#[tokio::test]
async fn attempts_older_than_a_day_and_expired_sessions_are_swept_and_nothing_else() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let admin = app.user("boss@example.com", Role::CorporateAdmin, None).await;
    app.sign_in(&crate::helpers::client(), "boss@example.com").await;
    let now = app.clock.now();
    for (seq, age) in [(1_i64, Duration::hours(25)), (2, Duration::hours(2))] {
        let at = now - age;
        let rows = [
            ("INSERT INTO invite_attempts (attempted_at, admin_id, seq) VALUES ($1, $2, $3)", vec![at.into(), admin.into(), seq.into()]),
            ("INSERT INTO setup_attempts (attempted_at, client) VALUES ($1, '10.0.0.1')", vec![at.into()]),
            ("INSERT INTO sign_in_failures (failed_at, account, client) VALUES ($1, 'a', '10.0.0.1')", vec![at.into()]),
        ];
        for (sql, values) in rows {
            db.execute_raw(statement(db, sql, values)).await.unwrap();
        }
    }

    let first = sweep(db, &app.clock).await.unwrap();
    app.clock.advance(Duration::hours(13));
    let second = sweep(db, &app.clock).await.unwrap();

    assert_eq!(first, 3, "one old row from each attempts table; the live session stays");
    assert_eq!(second, 1, "the session, now past its 12 hours");
    assert_eq!(session::Entity::find().count(db).await.unwrap(), 0);
}

/// What `run` answers once it is not turned away: the server's background task may be
/// checkpointing at the same moment, and then SQLite answers busy (with -1 for the log's pages)
/// and the test tries again, up to 50 times.
async fn unless_busy<F, Fut>(run: F) -> Option<app::ssr::checkpoint::Checkpoint>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<app::ssr::checkpoint::Checkpoint>, sea_orm::DbErr>>,
{
    let mut answer = None;
    for _ in 0..50 {
        answer = run().await.unwrap();
        if answer.as_ref().is_none_or(|c| c.busy == 0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    answer
}

#[tokio::test]
async fn the_background_checkpoint_copies_the_whole_sqlite_log_into_the_database_file() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    for n in 0..5 {
        app.invite(&corporate, &format!("p{n}@example.com"), Role::Employee, None).await.unwrap();
    }

    let done = unless_busy(|| app::ssr::checkpoint::checkpoint(&app.state.db)).await;

    match done {
        None => assert!(crate::helpers::on_postgres(), "only SQLite has a log to copy"),
        Some(done) => {
            assert!(done.log > 0, "the writes went to the log, not straight into the file: {done:?}");
            assert_eq!(done.checkpointed, done.log);
            let setting = sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA wal_autocheckpoint");
            let row = app.state.db.query_one_raw(setting).await.unwrap().unwrap();
            let pages: i64 = row.try_get_by_index(0).unwrap();
            assert_eq!(pages, 0, "no request's commit runs a checkpoint");
        }
    }
}

#[tokio::test]
async fn cutting_back_the_sqlite_log_empties_it_and_connections_limit_its_size() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    for n in 0..5 {
        app.invite(&corporate, &format!("p{n}@example.com"), Role::Employee, None).await.unwrap();
    }

    let cut = unless_busy(|| app::ssr::checkpoint::truncate(&app.state.db)).await;
    let after = app::ssr::checkpoint::checkpoint(&app.state.db).await.unwrap();

    match (cut, after) {
        (None, None) => assert!(crate::helpers::on_postgres(), "only SQLite has a log to cut"),
        (Some(cut), Some(after)) => {
            assert_eq!(cut.busy, 0, "no reader held the log: {cut:?}");
            assert_eq!(after.log, 0, "the log starts again from nothing: {after:?}");
            let setting = sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, "PRAGMA journal_size_limit");
            let row = app.state.db.query_one_raw(setting).await.unwrap().unwrap();
            let limit: i64 = row.try_get_by_index(0).unwrap();
            assert_eq!(limit, app::ssr::checkpoint::LOG_SIZE_LIMIT_BYTES);
        }
        other => panic!("one database, two answers: {other:?}"),
    }
}
