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
