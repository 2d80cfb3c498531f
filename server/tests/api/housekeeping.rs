//! The periodic sweep of rows no rule reads any more and of invitations that have run out.

use crate::helpers::spawn_app;
use app::domain::Role;
use app::dto::PageAt;
use app::invitations::dto::InvitationStatus;
use app::invitations::service::list_invitations;
use app::ssr::entities::{invitation, session};
use app::ssr::housekeeping::sweep;
use app::ssr::raw::statement;
use app::ssr::Clock;
use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

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

    let (first, _) = sweep(db, &app.clock).await.unwrap();
    app.clock.advance(Duration::hours(13));
    let (second, _) = sweep(db, &app.clock).await.unwrap();

    assert_eq!(first, 3, "one old row from each attempts table; the live session stays");
    assert_eq!(second, 1, "the session, now past its 12 hours");
    assert_eq!(session::Entity::find().count(db).await.unwrap(), 0);
}

/// The stored status of every invitation, by invitee.
async fn stored_statuses(db: &impl ConnectionTrait) -> Vec<(String, invitation::Status)> {
    let rows = invitation::Entity::find().order_by_asc(invitation::Column::Id).all(db).await.unwrap();
    rows.into_iter().map(|i| (i.email.unwrap_or_default(), i.status)).collect()
}

#[tokio::test]
async fn invitations_that_have_run_out_are_marked_expired_and_open_ones_are_left() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.invite(&corporate, "old@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(Duration::hours(73));
    app.invite(&corporate, "new@example.com", Role::Employee, None).await.unwrap();

    let (_, marked) = sweep(db, &app.clock).await.unwrap();
    let (_, again) = sweep(db, &app.clock).await.unwrap();

    assert_eq!((marked, again), (1, 0));
    let expected = vec![("old@example.com".to_owned(), invitation::Status::Expired), ("new@example.com".to_owned(), invitation::Status::Pending)];
    assert_eq!(stored_statuses(db).await, expected);
}

#[tokio::test]
async fn the_expired_filter_marks_what_ran_out_since_the_last_sweep_and_shows_exactly_those() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let quality = app.department("Quality").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let quality_admin = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    app.invite(&corporate, "hr.person@example.com", Role::Employee, None).await.unwrap();
    app.invite(&corporate, "qa.person@example.com", Role::Employee, Some(quality)).await.unwrap();
    app.clock.advance(Duration::hours(73));
    app.invite(&corporate, "open@example.com", Role::Employee, Some(quality)).await.unwrap();

    let expired = list_invitations(db, &quality_admin, app.clock.now(), Some(InvitationStatus::Expired), PageAt::First).await.unwrap();
    let pending = list_invitations(db, &quality_admin, app.clock.now(), Some(InvitationStatus::Pending), PageAt::First).await.unwrap();

    let invitees = |page: &app::dto::Page<app::invitations::dto::InvitationRow>| page.items.iter().map(|i| i.invitee.clone()).collect::<Vec<_>>();
    assert_eq!(invitees(&expired), vec!["qa.person@example.com"], "only their department's is shown");
    assert_eq!(expired.total, 1);
    assert_eq!(invitees(&pending), vec!["open@example.com"]);
    let statuses = stored_statuses(db).await;
    assert!(statuses.iter().take(2).all(|(_, s)| *s == invitation::Status::Expired), "both run out, both marked: {statuses:?}");
}

/// Writes `count` copies of invitation `model`, each for an address of its own.
async fn copy_invitation(db: &impl ConnectionTrait, model: i32, count: i32) {
    let copies = "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < $2) \
        INSERT INTO invitations (kind, email, email_canonical, role, invited_by, token_hash, status, created_at, expires_at, failed_attempts) \
        SELECT i.kind, 'p' || n.k || '@example.com', 'p' || n.k || '@example.com', i.role, i.invited_by, \
               substr(i.token_hash, 1, 58) || '-' || n.k, i.status, i.created_at, i.expires_at, 0 \
        FROM n, invitations i WHERE i.id = $1";
    db.execute_raw(statement(db, copies, vec![model.into(), count.into()])).await.unwrap();
}

#[tokio::test]
async fn a_backlog_of_run_out_invitations_is_marked_in_bounded_batches_to_the_last_one() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let model = app.invite(&corporate, "model@example.com", Role::Employee, None).await.unwrap();
    // 1,100 more pending invitations like the first: more than two of the sweep's batches.
    copy_invitation(db, model, 1100).await;
    app.clock.advance(Duration::hours(73));
    app.invite(&corporate, "open@example.com", Role::Employee, None).await.unwrap();

    let (_, marked) = sweep(db, &app.clock).await.unwrap();

    assert_eq!(marked, 1101);
    let pending = invitation::Entity::find().filter(invitation::Column::Status.eq(invitation::Status::Pending)).count(db).await.unwrap();
    assert_eq!(pending, 1, "only the open invitation is still pending");
}

/// The planner's statistics for `table`'s indexes, as SQLite stores them (`sqlite_stat1`).
async fn statistics_of(db: &impl ConnectionTrait, table: &str) -> Vec<String> {
    let sql = "SELECT idx || ': ' || stat AS line FROM sqlite_stat1 WHERE tbl = $1 AND idx IS NOT NULL ORDER BY idx";
    let rows = db.query_all_raw(statement(db, sql, vec![table.into()])).await.unwrap();
    rows.iter().map(|r| r.try_get::<String>("", "line").unwrap()).collect()
}

/// Nothing else gathers statistics on SQLite: without them the planner guesses, and chose a
/// walk of every pending invitation for the expiry check (bench/history/lists.md, "2026-12-06, later").
#[tokio::test]
async fn on_sqlite_the_sweep_keeps_the_planners_statistics_as_the_tables_grow() {
    let app = spawn_app().await;
    let db = &app.state.db;
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let model = app.invite(&corporate, "model@example.com", Role::Employee, None).await.unwrap();
    copy_invitation(db, model, 2999).await;

    sweep(db, &app.clock).await.unwrap();

    let stats = statistics_of(db, "invitations").await;
    let list = stats.iter().find(|s| s.starts_with("idx_invitations_list:")).unwrap_or_else(|| panic!("no statistics: {stats:?}"));
    // The first number is the rows SQLite reckons the index has; with a bounded sample of the
    // index it may be an estimate.
    let rows: u64 = list.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(rows >= 1000, "the grown table is counted, not the empty one at start-up: {list}");
    assert!(stats.iter().any(|s| s.starts_with("idx_invitations_pending_expiry:")), "{stats:?}");
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
