//! Several outbox workers (as several server instances would run) share one queue.

use crate::helpers::{eventually, set_outbox_column, spawn_app};
use app::mail::templates::{MailContent, RenderedEmail};
use app::mail::{Mailer, outbox, worker};
use app::ssr::Clock;
use sea_orm::EntityTrait;
use std::collections::HashSet;
use std::path::Path;

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".eml")).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn three_workers_on_one_outbox_send_every_message_exactly_once() {
    let app = spawn_app().await;
    let email = MailContent::Rendered(RenderedEmail { subject: "Hello".into(), text: "Hi".into(), html: "<p>Hi</p>".into() });
    for n in 0..60 {
        outbox::enqueue(&app.state.db, None, &format!("p{n}@example.com"), &email, app.clock.now()).await.unwrap();
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let drain = |dir: std::path::PathBuf| {
        let (db, clock) = (app.state.db.clone(), app.clock.clone());
        async move {
            let mailer = Mailer::new(None, dir, "Onboard <onboard@localhost>", app::mail::transport::DEFAULT_SEND_TIMEOUT).unwrap();
            while worker::process_due(&db, &mailer, &clock).await.unwrap() > 0 {}
        }
    };

    // The app's own worker is the third, woken as well.
    app.state.outbox.wake();
    tokio::join!(drain(a.path().to_path_buf()), drain(b.path().to_path_buf()));
    app.outbox_caught_up().await;

    let mut all = names(a.path());
    all.extend(names(b.path()));
    all.extend(names(&app.data_dir.path().join("mail")));
    let unique: HashSet<_> = all.iter().cloned().collect();
    assert_eq!(all.len(), 60, "every message sent once, none twice");
    assert_eq!(unique.len(), 60);
    let rows = app::ssr::entities::outbox::Entity::find().all(&app.state.db).await.unwrap();
    assert!(rows.iter().all(|r| r.status == outbox::Status::Sent && r.attempts == 1));
}

#[tokio::test]
async fn a_message_that_cannot_be_rendered_fails_at_once_without_quoting_its_content() {
    let app = spawn_app().await;
    let content = MailContent::Rendered(RenderedEmail { subject: "S".into(), text: "T".into(), html: "H".into() });
    // Due later, so no worker takes it before it is broken.
    let later = app.clock.now() + chrono::Duration::hours(1);
    let id = outbox::enqueue(&app.state.db, None, "who@example.com", &content, later).await.unwrap();
    let broken = r#"{"template":"invitation","link":"http://onboard.test/invitation/secret"}"#;
    set_outbox_column(&app.state.db, id, app::ssr::entities::outbox::Column::Content, broken.into()).await;

    app.clock.advance(chrono::Duration::hours(2));
    app.state.outbox.wake();

    let row = eventually("the failure", async || {
        let row = app::ssr::entities::outbox::Entity::find_by_id(id).one(&app.state.db).await.unwrap()?;
        Some(row).filter(|r| r.status == outbox::Status::Failed)
    })
    .await;
    assert_eq!(row.attempts, 1, "not retried");
    let error = row.last_error.unwrap();
    assert!(error.starts_with("unreadable message content"), "{error}");
    assert!(!error.contains("secret"), "{error}");
    assert!(names(&app.data_dir.path().join("mail")).is_empty(), "nothing sent");
}
