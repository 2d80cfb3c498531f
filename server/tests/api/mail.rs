//! Mail through a real SMTP server process (aiosmtpd) on 127.0.0.1, and local capture.

use app::dto::PageAt;
use crate::helpers::{client, eventually, on_postgres, published, set_outbox_column, spawn_app, spawn_app_with};
use app::domain::Role;
use app::invitations::dto::Delivery;
use app::invitations::service::{list_invitations, resend, revoke};
use app::mail::outbox::Status::{Cancelled, Failed, Retrying, Sent};
use app::mail::templates::{MailContent, RenderedEmail};
use app::ssr::Clock;
use app::ssr::entities::{invitation, outbox};
use app::ssr::raw::statement;
use app::ssr::tokens::hash_token;
use chrono::Duration;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The SMTP sink process; stopped when dropped.
pub(crate) struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

/// A port on 127.0.0.1 kept for one test's mail: bound but not listening, so the app's
/// connections to it are refused until a sink listens there (sharing it through SO_REUSEPORT),
/// and no other process can take it between two sinks.
pub(crate) struct MailPort {
    _socket: tokio::net::TcpSocket,
    port: u16,
}

impl MailPort {
    pub(crate) fn keep() -> MailPort {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_reuseport(true).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let port = socket.local_addr().unwrap().port();
        MailPort { _socket: socket, port }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl SmtpSink {
    /// A sink on a port the system picks, accepting every message or answering each with `reply`.
    pub(crate) fn start(reply: Option<&str>) -> SmtpSink {
        SmtpSink::start_with(None, &reply.map_or(vec![], |reply| vec!["--reply", reply]))
    }

    /// A sink on the port the test keeps.
    pub(crate) fn start_on(port: &MailPort) -> SmtpSink {
        SmtpSink::start_with(Some(port), &[])
    }

    /// A relay on the port the test keeps that accepts connections and never answers.
    fn start_stalled(port: &MailPort) -> SmtpSink {
        SmtpSink::start_with(Some(port), &["--stall"])
    }

    fn start_with(port: Option<&MailPort>, args: &[&str]) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let python = std::env::var("ONBOARD_SMTP_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let mut command = Command::new(python);
        command.arg(script).arg("--dir").arg(dir.path()).args(args);
        if let Some(port) = port {
            command.arg("--reuse-port").arg("--port").arg(port.port.to_string());
        }
        let mut child = command.stdout(Stdio::piped()).spawn().expect("python3 with aiosmtpd (scripts/setup.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("READY ").and_then(|p| p.parse().ok());
        let port = port.unwrap_or_else(|| panic!("the SMTP sink did not start: {line:?}"));
        SmtpSink { child, dir, port }
    }

    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Decoded messages: `to`, `subject`, `text`, `html`.
    pub(crate) fn messages(&self) -> Vec<serde_json::Value> {
        read_files(self.dir.path(), "json").iter().map(|m| serde_json::from_str(m).unwrap()).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_files(dir: &Path, extension: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == extension)).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

async fn only_outbox_row(app: &crate::helpers::TestApp) -> outbox::Model {
    outbox::Entity::find().one(&app.state.db).await.unwrap().unwrap()
}

fn link_token(message: &str) -> String {
    let start = message.find("http://onboard.test/invitation/").expect("a link built from PUBLIC_URL");
    message[start..]
        .trim_start_matches("http://onboard.test/invitation/")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn the_invitation_arrives_by_smtp_with_a_working_link() {
    let sink = SmtpSink::start(None);
    let app = spawn_app_with(&[("SMTP_URL", &sink.url()), ("ORGANISATION_NAME", "Acme Castings")]).await;
    let quality = app.department("Quality").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    let id = app.invite(&corporate, "new.starter@example.com", Role::QualityAdmin, Some(quality)).await.unwrap();

    let message = eventually("the message", async || sink.messages().into_iter().next()).await;
    assert_eq!(message["to"], "new.starter@example.com");
    assert_eq!(message["subject"], "Person corp@example.com invited you to Acme Castings on Onboard");
    let (text, html) = (message["text"].as_str().unwrap(), message["html"].as_str().unwrap());
    assert!(text.contains("Quality Admin") && html.contains("Quality Admin"));
    let inv = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(hash_token(&link_token(text)), inv.token_hash);
    assert_eq!(link_token(&html.replace("&#x2f;", "/")), link_token(text));
    let row = eventually("sent status", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Sent)).await;
    assert!(row.content.is_empty(), "a sent message's link is not kept");
}

#[tokio::test]
async fn with_smtp_down_the_invitation_is_kept_and_delivered_once_it_is_back() {
    let port = MailPort::keep();
    let app = spawn_app_with(&[("SMTP_URL", &port.url())]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    let id = app.invite(&corporate, "patient@example.com", Role::Employee, None).await;

    assert!(id.is_ok(), "the invitation does not depend on the mail server");
    let row = eventually("a retry", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Retrying)).await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());

    let sink = SmtpSink::start_on(&port);
    app.clock.advance(Duration::minutes(16));

    let message = eventually("the delayed message", async || sink.messages().into_iter().next()).await;
    assert_eq!(message["to"], "patient@example.com");
    let row = eventually("sent status", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Sent)).await;
    assert!(row.attempts >= 2);
    assert_eq!(sink.messages().len(), 1, "sent once");
}

#[tokio::test]
async fn a_permanent_smtp_refusal_marks_the_mail_failed_without_retrying() {
    let sink = SmtpSink::start(Some("550 5.1.1 Mailbox unavailable"));
    let app = spawn_app_with(&[("SMTP_URL", &sink.url())]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    app.invite(&corporate, "nobody@example.com", Role::Employee, None).await.unwrap();

    let row = eventually("failure", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Failed)).await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().unwrap().contains("550"));
    app.clock.advance(Duration::hours(2));
    app.outbox_caught_up().await;
    let row = only_outbox_row(&app).await;
    assert_eq!((row.status, row.attempts), (Failed, 1), "a 5xx is never retried");
    assert!(sink.messages().is_empty());
    assert_eq!(row.content, "", "a failed message keeps no working link");
}

#[tokio::test]
async fn revoking_cancels_mail_not_yet_sent_so_a_dead_link_is_never_mailed() {
    let port = MailPort::keep();
    let app = spawn_app_with(&[("SMTP_URL", &port.url())]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app.invite(&corporate, "revoked@example.com", Role::Employee, None).await.unwrap();
    eventually("a retry", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Retrying)).await;

    revoke(&app.state.db, &corporate, app.clock.now(), id).await.unwrap();
    let sink = SmtpSink::start_on(&port);
    app.clock.advance(Duration::minutes(16));
    app.outbox_caught_up().await;

    let row = only_outbox_row(&app).await;
    assert_eq!((row.status, row.content.as_str()), (Cancelled, ""));
    assert!(sink.messages().is_empty(), "the revoked link was mailed");
    let listed = list_invitations(&app.state.db, &corporate, app.clock.now(), None, PageAt::First).await.unwrap();
    assert_eq!(listed.items[0].delivery, Some(Delivery::Cancelled));
}

#[tokio::test]
async fn a_resend_cancels_the_old_links_mail_and_only_the_new_link_goes_out() {
    let port = MailPort::keep();
    let app = spawn_app_with(&[("SMTP_URL", &port.url())]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app.invite(&corporate, "again@example.com", Role::Employee, None).await.unwrap();
    eventually("a retry", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Retrying)).await;

    resend(&app.state.db, &corporate, &app.state.settings, &app.state.outbox, app.clock.now(), id).await.unwrap();
    let sink = SmtpSink::start_on(&port);
    app.clock.advance(Duration::minutes(16));
    app.state.outbox.wake();

    let message = eventually("the new link", async || sink.messages().into_iter().next()).await;
    let rows = eventually("both rows settled", async || {
        let rows = outbox::Entity::find().order_by_asc(outbox::Column::Id).all(&app.state.db).await.unwrap();
        Some(rows).filter(|rows| rows.len() == 2 && rows[1].status == Sent)
    })
    .await;
    assert_eq!((rows[0].status, rows[0].content.as_str()), (Cancelled, ""));
    let stored = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(hash_token(&link_token(message["text"].as_str().unwrap())), stored.token_hash, "the mailed link is the new one");
    app.outbox_caught_up().await;
    assert_eq!(sink.messages().len(), 1, "the old link was never mailed");
}

#[tokio::test]
async fn without_smtp_mail_is_captured_and_listed_for_this_machine() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    app.invite(&corporate, "local@example.com", Role::Employee, None).await.unwrap();

    let mail_dir = app.data_dir.path().join("mail");
    let message = eventually("the captured message", async || read_files(&mail_dir, "txt").into_iter().next()).await;
    assert!(message.contains("To: local@example.com"));
    assert_eq!(read_files(&mail_dir, "eml").len(), 1, "the raw message is kept too");
    let page = client().get(app.url("/mail")).header("host", "onboard.test").send().await.unwrap().text().await.unwrap();
    assert!(page.contains("local@example.com"));
    assert!(page.contains(&format!("http://onboard.test/invitation/{}", link_token(&message))));
}

#[tokio::test]
async fn the_captured_mail_page_answers_only_requests_to_the_public_address_not_through_a_proxy() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.invite(&corporate, "local@example.com", Role::Employee, None).await.unwrap();
    let mail_dir = app.data_dir.path().join("mail");
    let name = eventually("the captured message", async || {
        let names: Vec<String> = std::fs::read_dir(&mail_dir).ok()?.filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".txt")).collect();
        names.into_iter().next()
    })
    .await;
    let get = |path: String, headers: &'static [(&'static str, &'static str)]| {
        let mut request = client().get(app.url(&path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        async move { request.send().await.unwrap().status() }
    };

    for path in ["/mail".to_owned(), format!("/mail/{name}")] {
        assert_eq!(get(path.clone(), &[("host", "onboard.test")]).await, reqwest::StatusCode::OK, "{path}");
        assert_eq!(get(path.clone(), &[]).await, reqwest::StatusCode::NOT_FOUND, "another Host: {path}");
        let proxied = &[("host", "onboard.test"), ("x-forwarded-for", "203.0.113.9")];
        assert_eq!(get(path.clone(), proxied).await, reqwest::StatusCode::NOT_FOUND, "through a proxy: {path}");
        let forwarded = &[("host", "onboard.test"), ("forwarded", "for=203.0.113.9")];
        assert_eq!(get(path.clone(), forwarded).await, reqwest::StatusCode::NOT_FOUND, "through a proxy: {path}");
    }
}

#[tokio::test]
async fn the_captured_mail_page_does_not_exist_when_smtp_is_configured() {
    let sink = SmtpSink::start(None);
    let app = spawn_app_with(&[("SMTP_URL", &sink.url())]).await;

    let response = client().get(app.url("/mail")).header("accept", "text/html").send().await.unwrap();

    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_mail_server_that_never_answers_cannot_hold_the_mail_and_each_message_goes_once_it_answers() {
    let port = MailPort::keep();
    let stalled = SmtpSink::start_stalled(&port);
    let app = spawn_app_with(&[("SMTP_URL", &port.url()), ("SMTP_TIMEOUT", "2s")]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    for n in 0..3 {
        app.invite(&corporate, &format!("w{n}@example.com"), Role::Employee, None).await.unwrap();
    }

    // Each send gives up after 2 s, so none is left "sending" behind a silent server.
    let rows = eventually("all three waiting to retry", async || {
        let rows = outbox::Entity::find().all(&app.state.db).await.unwrap();
        Some(rows).filter(|rows| rows.len() == 3 && rows.iter().all(|r| r.status == Retrying))
    })
    .await;
    assert!(rows.iter().all(|r| r.last_error.as_deref().is_some_and(|e| e.contains("did not finish"))), "{rows:?}");
    drop(stalled);
    let sink = SmtpSink::start_on(&port);
    app.clock.advance(Duration::minutes(16));
    app.state.outbox.wake();

    eventually("all three sent", async || {
        let rows = outbox::Entity::find().all(&app.state.db).await.unwrap();
        Some(()).filter(|()| rows.iter().all(|r| r.status == Sent))
    })
    .await;
    app.outbox_caught_up().await;
    let mut to: Vec<String> = sink.messages().iter().map(|m| m["to"].as_str().unwrap().to_owned()).collect();
    to.sort();
    assert_eq!(to, ["w0@example.com", "w1@example.com", "w2@example.com"], "each message exactly once");
}

#[tokio::test]
async fn a_status_that_cannot_be_written_for_one_message_does_not_send_the_others_twice() {
    let sink = SmtpSink::start(None);
    let app = spawn_app_with(&[("SMTP_URL", &sink.url()), ("SMTP_TIMEOUT", "1s")]).await;
    let db = &app.state.db;
    // Due later, so both go out in one claim; the second cannot be rendered.
    let later = app.clock.now() + Duration::hours(1);
    let good = MailContent::Rendered(RenderedEmail { subject: "S".into(), text: "T".into(), html: "H".into() });
    app::mail::outbox::enqueue(db, None, "good@example.com", &good, later).await.unwrap();
    let bad = app::mail::outbox::enqueue(db, None, "bad@example.com", &good, later).await.unwrap();
    set_outbox_column(db, bad, outbox::Column::Content, "{}".into()).await;
    let refuse = if on_postgres() {
        vec![
            format!("CREATE FUNCTION refuse_fail() RETURNS trigger AS $$ BEGIN \
               IF NEW.status = 'failed' AND OLD.id = {bad} THEN RAISE EXCEPTION 'injected'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"),
            "CREATE TRIGGER refuse_fail BEFORE UPDATE ON email_outbox FOR EACH ROW EXECUTE FUNCTION refuse_fail()".to_owned(),
        ]
    } else {
        vec![format!(
            "CREATE TRIGGER refuse_fail BEFORE UPDATE ON email_outbox WHEN NEW.status = 'failed' AND OLD.id = {bad} \
             BEGIN SELECT RAISE(ABORT, 'injected'); END"
        )]
    };
    for sql in &refuse {
        db.execute_raw(statement(db, sql, vec![])).await.unwrap();
    }

    // This test's own worker pass, on a clock two hours on: the app's worker, whose clock has
    // not moved, never finds these messages due, and the pass is over when `process_due` returns.
    let clock = app::ssr::ManualClock::new(app.clock.now() + Duration::hours(2));
    let mailer = app::mail::Mailer::new(Some(&sink.url()), app.data_dir.path().join("mail"), "Onboard <onboard@localhost>", std::time::Duration::from_secs(1)).unwrap();
    app::mail::worker::process_due(db, &mailer, &clock).await.unwrap();
    let refused = outbox::Entity::find_by_id(bad).one(db).await.unwrap().unwrap();
    assert_eq!(refused.status, app::mail::outbox::Status::Sending, "the fault happened: its failure could not be written");
    let drop = if on_postgres() { "DROP TRIGGER refuse_fail ON email_outbox" } else { "DROP TRIGGER refuse_fail" };
    db.execute_raw(statement(db, drop, vec![])).await.unwrap();
    // Past every lease: whatever was left "sending" is claimed again now.
    clock.advance(Duration::hours(1));
    app::mail::worker::process_due(db, &mailer, &clock).await.unwrap();
    let failed = outbox::Entity::find_by_id(bad).one(db).await.unwrap().unwrap();
    assert_eq!(failed.status, Failed);

    assert_eq!(sink.messages().len(), 1, "the good message went out once");
    let good_row = outbox::Entity::find().all(db).await.unwrap().into_iter().find(|r| r.id != bad).unwrap();
    assert_eq!((good_row.status, good_row.attempts), (Sent, 1));
}

#[tokio::test]
async fn a_4xx_answer_is_retried_with_backoff_and_gives_up_after_the_last_attempt() {
    let sink = SmtpSink::start(Some("451 4.3.0 Try again later"));
    let app = spawn_app_with(&[("SMTP_URL", &sink.url())]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.invite(&corporate, "later@example.com", Role::Employee, None).await.unwrap();

    let row = eventually("a retry", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Retrying)).await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().unwrap().contains("451"));
    let wait = row.next_attempt_at - app.clock.now();
    assert!(wait >= Duration::seconds(5) && wait <= Duration::seconds(6), "5 s and up to a fifth more: {wait}");

    // One attempt short of the cap: the next 4xx is the last.
    set_outbox_column(&app.state.db, row.id, outbox::Column::Attempts, (published::MAIL_ATTEMPTS - 1).into()).await;
    app.clock.advance(Duration::minutes(16));
    app.state.outbox.wake();

    let row = eventually("given up", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Failed)).await;
    assert_eq!(row.attempts, published::MAIL_ATTEMPTS);
    assert_eq!(row.content, "");
}
