//! Mail through a real SMTP server process (aiosmtpd) on 127.0.0.1, and local capture.

use crate::helpers::{client, eventually, spawn_app, spawn_app_with};
use app::domain::Role;
use app::mail::outbox::Status::{Failed, Retrying, Sent};
use app::ssr::entities::{invitation, outbox};
use app::ssr::tokens::hash_token;
use chrono::Duration;
use sea_orm::EntityTrait;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The SMTP sink process; stopped when dropped.
struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpSink {
    fn start(port: u16, reply: Option<&str>) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let python = std::env::var("ONBOARD_SMTP_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
        let mut command = Command::new(python);
        command.arg(script).arg("--port").arg(port.to_string()).arg("--dir").arg(dir.path());
        if let Some(reply) = reply {
            command.arg("--reply").arg(reply);
        }
        let mut child = command.stdout(Stdio::piped()).spawn().expect("python3 with aiosmtpd (scripts/setup.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP sink did not start");
        SmtpSink { child, dir }
    }

    /// Decoded messages: `to`, `subject`, `text`, `html`.
    fn messages(&self) -> Vec<serde_json::Value> {
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
    let port = free_port();
    let sink = SmtpSink::start(port, None);
    let app = spawn_app_with(&[("SMTP_URL", &format!("smtp://127.0.0.1:{port}")), ("ORGANISATION_NAME", "Acme Castings")]).await;
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
    let port = free_port();
    let app = spawn_app_with(&[("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    let id = app.invite(&corporate, "patient@example.com", Role::Employee, None).await;

    assert!(id.is_ok(), "the invitation does not depend on the mail server");
    let row = eventually("a retry", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Retrying)).await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.is_some());

    let sink = SmtpSink::start(port, None);
    app.clock.advance(Duration::minutes(16));

    let message = eventually("the delayed message", async || sink.messages().into_iter().next()).await;
    assert_eq!(message["to"], "patient@example.com");
    let row = eventually("sent status", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Sent)).await;
    assert!(row.attempts >= 2);
    assert_eq!(sink.messages().len(), 1, "sent once");
}

#[tokio::test]
async fn a_permanent_smtp_refusal_marks_the_mail_failed_without_retrying() {
    let port = free_port();
    let sink = SmtpSink::start(port, Some("550 5.1.1 Mailbox unavailable"));
    let app = spawn_app_with(&[("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;

    app.invite(&corporate, "nobody@example.com", Role::Employee, None).await.unwrap();

    let row = eventually("failure", async || Some(only_outbox_row(&app).await).filter(|r| r.status == Failed)).await;
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().unwrap().contains("550"));
    app.clock.advance(Duration::hours(2));
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let row = only_outbox_row(&app).await;
    assert_eq!((row.status, row.attempts), (Failed, 1), "a 5xx is never retried");
    assert!(sink.messages().is_empty());
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
    let page = client().get(app.url("/mail")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("local@example.com"));
    assert!(page.contains(&format!("http://onboard.test/invitation/{}", link_token(&message))));
}

#[tokio::test]
async fn the_captured_mail_page_does_not_exist_when_smtp_is_configured() {
    let port = free_port();
    let _sink = SmtpSink::start(port, None);
    let app = spawn_app_with(&[("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]).await;

    let response = client().get(app.url("/mail")).header("accept", "text/html").send().await.unwrap();

    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
}
