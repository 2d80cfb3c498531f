//! Two real server processes (the built binary, as an operator runs it) on one database: what
//! must hold across instances lives in the database, so it holds here.

use crate::helpers::{PASSWORD, ServerProcess, eventually, fresh_database};
use crate::mail::SmtpSink;
use app::mail::outbox::Status;
use app::ssr::entities::outbox;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::io::Write;
use std::process::{Command, Stdio};

fn command(database_url: &str, data_dir: &std::path::Path, smtp_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", data_dir)
        .env("PUBLIC_URL", "http://onboard.test")
        .env("SMTP_URL", smtp_url)
        .env("LEPTOS_ENV", "DEV")
        .env("RUST_LOG", "warn,server=info");
    command
}

async fn start(database_url: &str, data_dir: &std::path::Path, smtp_url: &str) -> ServerProcess {
    let server = ServerProcess::start(command(database_url, data_dir, smtp_url));
    let health = format!("{}/healthz", server.url);
    eventually("the server to answer", async || reqwest::get(&health).await.ok().filter(|r| r.status().is_success())).await;
    server
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

async fn call(client: &reqwest::Client, base: &str, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(format!("{base}/api/{endpoint}")).header("Sec-Fetch-Site", "same-origin").form(form).send().await.unwrap()
}

#[tokio::test]
async fn two_instances_share_sessions_the_hourly_limit_and_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _) = fresh_database(dir.path()).await;
    let sink = SmtpSink::start(None);
    let mut admin = command(&database_url, dir.path(), &sink.url())
        .args(["create-admin", "--email", "ada@example.com", "--name", "Ada Lovelace"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    admin.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(admin.wait().unwrap().success());
    let a = start(&database_url, &dir.path().join("a"), &sink.url()).await;
    let b = start(&database_url, &dir.path().join("b"), &sink.url()).await;

    // A session made on one instance is honoured by the other.
    let on_a = browser();
    assert_eq!(call(&on_a, &a.url, "sign_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await.status(), StatusCode::OK);
    let me_on_a = on_a.post(format!("{}/api/get_current_user", a.url)).header("Sec-Fetch-Site", "same-origin").send().await.unwrap();
    assert!(me_on_a.text().await.unwrap().contains("Ada Lovelace"));
    let session = {
        let response = call(&browser(), &a.url, "sign_in", &[("email", "ada@example.com"), ("password", PASSWORD)]).await;
        let set = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        set.split(';').next().unwrap().to_owned()
    };
    let me_on_b = reqwest::Client::new()
        .post(format!("{}/api/get_current_user", b.url))
        .header("cookie", &session)
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .unwrap();
    assert!(me_on_b.text().await.unwrap().contains("Ada Lovelace"), "B does not know A's session");

    // 40 invitations at once from one admin, half through each instance: exactly 30 go.
    let sends: Vec<_> = (0..40)
        .map(|n| {
            let base = if n % 2 == 0 { a.url.clone() } else { b.url.clone() };
            let session = session.clone();
            tokio::spawn(async move {
                let email = format!("p{n}@example.com");
                let form = [("email", email.as_str()), ("role", "employee")];
                reqwest::Client::new()
                    .post(format!("{base}/api/send_invitation"))
                    .header("cookie", session)
                    .header("Sec-Fetch-Site", "same-origin")
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for send in sends {
        statuses.push(send.await.unwrap());
    }
    let sent = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((sent, limited), (30, 10), "{statuses:?}");

    // Both instances' outbox workers drain one outbox: every invitation is mailed once.
    // Done when the outbox says every message has gone, and then nothing can go again.
    let db = sea_orm::Database::connect(&database_url).await.unwrap();
    eventually("all thirty mails", async || {
        let unsent = outbox::Entity::find().filter(outbox::Column::Status.ne(Status::Sent)).count(&db).await.unwrap();
        Some(()).filter(|()| unsent == 0 && sink.messages().len() >= 30)
    })
    .await;
    let mut to: Vec<String> = sink.messages().iter().map(|m| m["to"].as_str().unwrap().to_owned()).collect();
    let total = to.len();
    to.sort();
    to.dedup();
    assert_eq!((total, to.len()), (30, 30), "every invitation mailed exactly once");
}
