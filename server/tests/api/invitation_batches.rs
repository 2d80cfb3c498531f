//! Email invitations written in batches keep every rule of a single invitation.

use crate::helpers::{TestApp, on_postgres, spawn_app};
use app::domain::Role;
use app::error::AppError;
use app::invitations::service::{EmailInvite, PreparedInvite, prepare_email_invite, remaining_this_hour, write_email_invites};
use app::ssr::entities::{audit_event, invitation, outbox};
use app::ssr::raw::statement;
use app::ssr::{Actor, Clock};
use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn prepared(app: &TestApp, actor: &Actor, email: &str, department_id: Option<i32>) -> PreparedInvite {
    let input = EmailInvite { email: email.into(), role: "employee".into(), department_id: department_id.map(Into::into), location_id: None };
    prepare_email_invite(&app.state.db, actor, &app.state.settings, app.clock.now(), input).await.unwrap()
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    let db = &app.state.db;
    (
        invitation::Entity::find().count(db).await.unwrap(),
        outbox::Entity::find().count(db).await.unwrap(),
        audit_event::Entity::find().filter(audit_event::Column::EventType.starts_with("invitation.")).count(db).await.unwrap(),
    )
}

fn shape(answers: &[Result<i32, AppError>]) -> Vec<&'static str> {
    answers
        .iter()
        .map(|a| match a {
            Ok(_) => "sent",
            Err(AppError::InvitationUnavailable) => "unavailable",
            Err(AppError::RateLimited { .. }) => "limited",
            Err(_) => "other",
        })
        .collect()
}

#[tokio::test]
async fn a_batch_refuses_taken_and_repeated_addresses_and_counts_every_attempt() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let qa = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    app.user("member@example.com", Role::Employee, None).await;
    app.invite(&corporate, "pending@example.com", Role::Employee, None).await.unwrap();
    let batch = vec![
        prepared(&app, &corporate, "new1@example.com", None).await,
        prepared(&app, &corporate, "MEMBER@example.com", None).await,
        prepared(&app, &qa, "pending@example.com", Some(quality)).await,
        prepared(&app, &corporate, "twice@example.com", None).await,
        prepared(&app, &qa, " Twice@EXAMPLE.com", Some(quality)).await,
        prepared(&app, &qa, "new2@example.com", Some(quality)).await,
    ];

    let answers = write_email_invites(&app.state.db, 30, batch).await;

    assert_eq!(shape(&answers), ["sent", "unavailable", "unavailable", "sent", "unavailable", "sent"]);
    assert_eq!(counts(&app).await, (4, 4, 4), "one invitation, outbox row and audit event each, the earlier one included");
    let now = app.clock.now();
    assert_eq!(remaining_this_hour(&app.state.db, corporate.user_id, now, 30).await.unwrap(), 30 - 4);
    assert_eq!(remaining_this_hour(&app.state.db, qa.user_id, now, 30).await.unwrap(), 30 - 3);
}

#[tokio::test]
async fn a_batch_bigger_than_what_is_left_of_the_hour_sends_exactly_what_is_left() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let first_sent = app.clock.now();
    for n in 0..25 {
        app.invite(&corporate, &format!("early{n}@example.com"), Role::Employee, None).await.unwrap();
    }
    app.clock.advance(Duration::minutes(10));
    let mut batch = Vec::new();
    for n in 0..8 {
        batch.push(prepared(&app, &corporate, &format!("late{n}@example.com"), None).await);
    }

    let answers = write_email_invites(&app.state.db, 30, batch).await;

    assert_eq!(shape(&answers), ["sent", "sent", "sent", "sent", "sent", "limited", "limited", "limited"]);
    assert_eq!(answers[7], Err(AppError::RateLimited { limit: 30, retry_at: (first_sent + Duration::hours(1)).into() }));
}

#[tokio::test]
async fn forty_invitations_sent_at_once_through_the_writer_send_exactly_thirty() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let mut tasks = Vec::new();
    for n in 0..40 {
        let invite = prepared(&app, &corporate, &format!("c{n}@example.com"), None).await;
        let writer = app.invitations.clone();
        tasks.push(tokio::spawn(async move { writer.write(invite).await }));
    }

    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }

    let sent = answers.iter().filter(|a| a.is_ok()).count();
    let limited = answers.iter().filter(|a| matches!(a, Err(AppError::RateLimited { .. }))).count();
    assert_eq!((sent, limited), (30, 10));
    assert_eq!(counts(&app).await, (30, 30, 30));
}

#[tokio::test]
async fn an_invitation_the_database_refuses_does_not_sink_the_rest_of_its_batch() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let db = &app.state.db;
    // Stands in for another server instance inviting the same address a moment earlier.
    let refuse = if on_postgres() {
        vec![
            "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN \
               IF NEW.email_canonical = 'boom@example.com' THEN RAISE unique_violation USING MESSAGE = 'taken'; END IF; \
               RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON invitations FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
        ]
    } else {
        vec![
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON invitations WHEN NEW.email_canonical = 'boom@example.com' \
             BEGIN SELECT RAISE(ABORT, 'taken'); END",
        ]
    };
    for sql in refuse {
        db.execute_raw(statement(db, sql, vec![])).await.unwrap();
    }
    let batch = vec![
        prepared(&app, &corporate, "before@example.com", None).await,
        prepared(&app, &corporate, "boom@example.com", None).await,
        prepared(&app, &corporate, "after@example.com", None).await,
    ];

    let answers = write_email_invites(db, 30, batch).await;

    assert!(answers[0].is_ok() && answers[2].is_ok(), "{answers:?}");
    assert!(answers[1].is_err());
    if on_postgres() {
        assert_eq!(answers[1], Err(AppError::InvitationUnavailable), "a unique clash is the generic refusal");
    }
    assert_eq!(counts(&app).await, (2, 2, 2));
}
