use crate::helpers::spawn_app;
use chrono::Utc;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Statement};

async fn insert_invitation(db: &impl ConnectionTrait, email: &str, status: &str, token: &str) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => "INSERT INTO invitations (kind, email, email_canonical, role, invited_by, token_hash, status, created_at, expires_at) VALUES ('email', $1, $1, 'employee', 1, $2, $3, $4, $4)",
        _ => "INSERT INTO invitations (kind, email, email_canonical, role, invited_by, token_hash, status, created_at, expires_at) VALUES ('email', ?, ?, 'employee', 1, ?, ?, ?, ?)",
    };
    let values: Vec<sea_orm::Value> = match backend {
        sea_orm::DbBackend::Postgres => vec![email.into(), token.into(), status.into(), now.into()],
        _ => vec![email.into(), email.into(), token.into(), status.into(), now.into(), now.into()],
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.map(|_| ())
}

#[tokio::test]
async fn migrations_run_down_and_up_again_cleanly() {
    let app = spawn_app().await;

    Migrator::down(&app.state.db, None).await.unwrap();
    Migrator::up(&app.state.db, None).await.unwrap();

    let status = Migrator::get_pending_migrations(&app.state.db).await.unwrap();
    assert!(status.is_empty());
}

#[tokio::test]
async fn only_one_pending_invitation_per_email_is_allowed_but_old_ones_do_not_block() {
    let app = spawn_app().await;
    app.user("inviter@example.com", app::domain::Role::CorporateAdmin, None).await;
    let db = &app.state.db;

    insert_invitation(db, "x@example.com", "revoked", "t1").await.unwrap();
    insert_invitation(db, "x@example.com", "accepted", "t2").await.unwrap();
    insert_invitation(db, "x@example.com", "pending", "t3").await.unwrap();
    let second_pending = insert_invitation(db, "x@example.com", "pending", "t4").await;

    assert!(second_pending.is_err(), "the partial unique index must refuse a second pending invitation");
}

#[tokio::test]
async fn attempts_recorded_before_numbering_are_numbered_per_admin_in_time_order() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let first = app.user("first@example.com", app::domain::Role::CorporateAdmin, None).await;
    let second = app.user("second@example.com", app::domain::Role::CorporateAdmin, None).await;
    Migrator::down(db, Some(1)).await.unwrap();
    let t = Utc::now();
    // Written out of time order, with a tie, for two admins.
    let rows = [(first, t + chrono::Duration::seconds(5)), (first, t), (second, t), (first, t)];
    for (admin, at) in rows {
        let insert = "INSERT INTO invite_attempts (admin_id, attempted_at) VALUES ($1, $2)";
        db.execute_raw(app::ssr::raw::statement(db, insert, vec![admin.into(), at.into()])).await.unwrap();
    }

    Migrator::up(db, None).await.unwrap();

    let numbered = "SELECT seq FROM invite_attempts ORDER BY id";
    let seqs: Vec<i64> = db
        .query_all_raw(app::ssr::raw::statement(db, numbered, vec![]))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("", "seq").unwrap())
        .collect();
    assert_eq!(seqs, [3, 1, 1, 2]);
}
