use crate::helpers::{TestApp, eventually, spawn_app};
use app::mail::outbox::Status;
use app::mail::templates::{InvitationEmail, MailContent};
use app::ssr::Clock;
use app::ssr::entities::{import_row, outbox};
use chrono::Utc;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryOrder, Statement};

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

/// One connection of its own for a test that runs migrations down and up. On SQLite each
/// pooled connection keeps its own copy of the schema and reloads it only when a statement
/// names something that copy lacks: a column dropped through one connection still "exists" for
/// an `ALTER TABLE ... ADD COLUMN` prepared on another, which then fails with "duplicate column
/// name". The server's own pool only reads and writes rows, which SQLite re-checks.
async fn schema_connection(app: &TestApp) -> DatabaseConnection {
    let mut options = ConnectOptions::new(app.database_url.clone());
    options.max_connections(1).sqlx_logging(false);
    Database::connect(options).await.unwrap()
}

/// Undoes migration `name` and every one after it.
async fn undo_back_to(db: &sea_orm::DatabaseConnection, name: &str) {
    loop {
        let applied = Migrator::get_applied_migrations(db).await.unwrap();
        let last = applied.last().expect("migration was applied").name().to_owned();
        Migrator::down(db, Some(1)).await.unwrap();
        if last == name {
            return;
        }
    }
}

/// Undoes every migration after `name`, so that `name` is the last one applied.
async fn undo_after(db: &sea_orm::DatabaseConnection, name: &str) {
    loop {
        let applied = Migrator::get_applied_migrations(db).await.unwrap();
        if applied.last().expect("migration was applied").name() == name {
            return;
        }
        Migrator::down(db, Some(1)).await.unwrap();
    }
}

/// Everything the migrations make, one line per table, column, index and trigger, sorted.
async fn schema(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || COALESCE(column_default, '') AS line \
               FROM information_schema.columns WHERE table_schema = 'public' \
             UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' \
             UNION ALL SELECT tgname || ' on ' || tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal \
             UNION ALL SELECT proname || ' ' || prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
        }
        _ => "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') AS line FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
    };
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    let mut lines: Vec<String> = rows.iter().map(|row| row.try_get_by_index(0).unwrap()).collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn migrations_run_down_and_up_again_cleanly_and_leave_the_schema_a_fresh_database_gets() {
    let app = spawn_app().await;
    let db = &schema_connection(&app).await;
    let fresh = schema(db).await;

    Migrator::down(db, None).await.unwrap();
    Migrator::up(db, None).await.unwrap();

    let status = Migrator::get_pending_migrations(db).await.unwrap();
    assert!(status.is_empty());
    let again = schema(db).await;
    assert!(fresh.len() > 20, "the schema was read: {fresh:?}");
    let differ: Vec<_> = fresh.iter().zip(&again).filter(|(a, b)| a != b).collect();
    assert_eq!(fresh.len(), again.len(), "{differ:?}");
    assert!(differ.is_empty(), "{differ:#?}");
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
    let db = &schema_connection(&app).await;
    let first = app.user("first@example.com", app::domain::Role::CorporateAdmin, None).await;
    let second = app.user("second@example.com", app::domain::Role::CorporateAdmin, None).await;
    undo_back_to(db, "m20261124_000007_invite_attempt_sequence").await;
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

/// The outbox before it kept content to render: subject and bodies, rendered when queued.
async fn queue_rendered_the_old_way(db: &impl ConnectionTrait, to: &str, status: &str, due: chrono::DateTime<Utc>) {
    let insert = "INSERT INTO email_outbox (to_address, subject, html_body, text_body, status, attempts, next_attempt_at, created_at) \
                  VALUES ($1, 'Old subject', '<p>Old body</p>', $2, $3, 0, $4, $4)";
    let text = format!("Old body for {to}");
    let values = vec![to.into(), text.into(), status.into(), due.into()];
    db.execute_raw(app::ssr::raw::statement(db, insert, values)).await.unwrap();
}

#[tokio::test]
async fn mail_queued_before_the_outbox_kept_content_is_still_sent_as_it_was_rendered() {
    let app = spawn_app().await;
    let db = &schema_connection(&app).await;
    undo_back_to(db, "m20261124_000008_outbox_content").await;
    // Not due yet, so the running worker leaves it alone while the schema is the old one.
    let due = app.clock.now() + chrono::Duration::hours(1);
    queue_rendered_the_old_way(db, "waiting@example.com", "queued", due).await;
    queue_rendered_the_old_way(db, "done@example.com", "sent", due).await;

    Migrator::up(db, None).await.unwrap();
    app.clock.advance(chrono::Duration::hours(2));
    app.state.outbox.wake();

    let sent = eventually("the old message sent", async || {
        let rows = outbox::Entity::find().order_by_asc(outbox::Column::Id).all(db).await.unwrap();
        Some(rows).filter(|rows| rows[0].status == Status::Sent)
    })
    .await;
    assert_eq!(sent[0].content, "", "nothing of a sent message is kept");
    assert_eq!(sent[1].attempts, 0, "a message sent before is not sent again");
    let mail_dir = app.data_dir.path().join("mail");
    let captured: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().filter_map(Result::ok).map(|e| e.path()).collect();
    assert_eq!(captured.len(), 2, "one message, as .eml and .txt: {captured:?}");
    let text = captured.iter().find(|p| p.extension().is_some_and(|x| x == "txt")).unwrap();
    let text = std::fs::read_to_string(text).unwrap();
    assert_eq!(text, "To: waiting@example.com\nSubject: Old subject\n\nOld body for waiting@example.com");
}

#[tokio::test]
async fn migrating_the_outbox_down_refuses_while_mail_waits_to_be_rendered() {
    let app = spawn_app().await;
    let db = &schema_connection(&app).await;
    let content = MailContent::Invitation(InvitationEmail {
        inviter: "Erin".into(),
        organisation: "Acme".into(),
        role: "Employee".into(),
        department: None,
        location: None,
        expires_at: app.clock.now(),
        link: "http://onboard.test/invitation/abc".into(),
    });
    let later = app.clock.now() + chrono::Duration::hours(1);
    app::mail::outbox::enqueue(db, None, "later@example.com", &content, later).await.unwrap();
    undo_after(db, "m20261124_000008_outbox_content").await;
    let pending = Migrator::get_pending_migrations(db).await.unwrap().len();

    let refused = Migrator::down(db, Some(1)).await;

    let message = refused.expect_err("the unrendered message would be lost").to_string();
    assert!(message.contains("1 unsent messages in email_outbox are not rendered yet"), "{message}");
    assert_eq!(Migrator::get_pending_migrations(db).await.unwrap().len(), pending, "nothing was undone");
}

#[tokio::test]
async fn search_terms_stored_before_they_carried_the_persons_columns_are_kept_and_filled_in() {
    let app = spawn_app().await;
    let db = &schema_connection(&app).await;
    let paint = app.department("Paint shop").await;
    let boss = app.actor("boss@example.com", app::domain::Role::CorporateAdmin, None).await;
    let lead = app.user("lead@example.com", app::domain::Role::TeamLead, Some(paint)).await;
    undo_back_to(db, "m20261201_000013_search_terms_list").await;
    let sql = app::ssr::raw::statement(db, "SELECT term FROM user_search_terms WHERE user_id = $1", vec![lead.into()]);
    assert!(!db.query_all_raw(sql).await.unwrap().is_empty(), "the earlier shape held the terms");

    Migrator::up(db, None).await.unwrap();

    let filter = app::users::dto::UserFilter { q: "lead@".into(), department: paint.to_string(), role: "team_lead".into(), ..Default::default() };
    let found = app::users::service::list_users(db, &boss, app.clock.now(), &filter, app::dto::PageAt::First).await.unwrap();
    assert_eq!(found.items.iter().map(|u| u.id).collect::<Vec<_>>(), vec![lead]);
}

#[tokio::test]
async fn search_terms_keyed_in_name_order_keep_every_term_and_follow_each_change_both_ways() {
    let app = spawn_app().await;
    let db = &schema_connection(&app).await;
    let (paint, hall) = (app.department("Paint shop").await, app.department("Hall").await);
    let boss = app.actor("boss@example.com", app::domain::Role::CorporateAdmin, None).await;
    let lead = app.user("lead@example.com", app::domain::Role::TeamLead, Some(paint)).await;
    let found_in = async |q: &str, department: i32| -> Vec<i32> {
        let filter = app::users::dto::UserFilter { q: q.into(), department: department.to_string(), ..Default::default() };
        let page = app::users::service::list_users(db, &boss, app.clock.now(), &filter, app::dto::PageAt::First).await.unwrap();
        page.items.iter().map(|u| u.id).collect()
    };
    let move_to = async |department: i32| {
        let sql = app::ssr::raw::statement(db, "UPDATE users SET department_id = $1 WHERE id = $2", vec![department.into(), lead.into()]);
        db.execute_raw(sql).await.unwrap();
    };

    undo_after(db, "m20261201_000013_search_terms_list").await;
    move_to(hall).await;
    assert_eq!(found_in("lead@", hall).await, vec![lead], "keyed by (term, user_id) again, the terms and their trigger are there");

    Migrator::up(db, None).await.unwrap();
    assert_eq!(found_in("lead@example.com", hall).await, vec![lead], "the terms were kept");
    move_to(paint).await;
    assert_eq!(found_in("lead@example.com", paint).await, vec![lead], "the trigger follows the move");
    assert!(found_in("lead@example.com", hall).await.is_empty());
}

#[tokio::test]
async fn import_rows_refused_before_roles_were_optional_hold_no_role_and_get_their_empty_text_back_going_down() {
    let app = spawn_app().await;
    let db = &schema_connection(&app).await;
    undo_after(db, "m20261206_000015_invitation_expiry_index").await;
    let insert = "INSERT INTO import_rows (import_id, row_number, kind, identifier, role, state) VALUES (1, $1, $2, $3, $4, $5)";
    for (number, kind, role, state) in [(2, "email", "team_lead", "queued"), (3, "refused", "", "skipped")] {
        let values = vec![number.into(), kind.into(), format!("row{number}@example.com").into(), role.into(), state.into()];
        db.execute_raw(app::ssr::raw::statement(db, insert, values)).await.unwrap();
    }

    Migrator::up(db, None).await.unwrap();
    let rows = import_row::Entity::find().order_by_asc(import_row::Column::RowNumber).all(db).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.role).collect::<Vec<_>>(), [Some(app::domain::Role::TeamLead), None]);
    assert_eq!(rows[1].identifier, "row3@example.com", "the rest of the row is kept");

    Migrator::down(db, Some(1)).await.unwrap();
    let roles = db.query_all_raw(app::ssr::raw::statement(db, "SELECT role FROM import_rows ORDER BY row_number", vec![])).await.unwrap();
    let roles: Vec<String> = roles.iter().map(|row| row.try_get("", "role").unwrap()).collect();
    assert_eq!(roles, ["team_lead", ""]);
}
