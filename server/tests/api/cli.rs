use crate::helpers::{eventually, fresh_database};
use app::ssr::entities::{department, user};
use sea_orm::{Database, EntityTrait};
use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Cli {
    database_url: String,
    dir: tempfile::TempDir,
}

impl Cli {
    async fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let (database_url, _) = fresh_database(dir.path()).await;
        Cli { database_url, dir }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_with(args, stdin, &[])
    }

    fn run_with(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("DATA_DIR", self.dir.path())
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn create_admin_makes_a_corporate_admin_with_an_argon2id_password() {
    let cli = Cli::new().await;

    let output = cli.run(&["create-admin", "--email", "Ada@Example.com", "--name", "Ada Lovelace"], "a long enough passphrase\n");

    assert!(output.status.success(), "{}", stderr(&output));
    let db = Database::connect(&cli.database_url).await.unwrap();
    let users = user::Entity::find().all(&db).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].role.as_str(), "corporate_admin");
    assert_eq!(users[0].email_canonical.as_deref(), Some("ada@example.com"));
    assert!(users[0].password_hash.as_deref().unwrap().starts_with("$argon2id$"));
}

#[tokio::test]
async fn create_admin_refuses_a_duplicate_a_short_password_and_a_bad_email() {
    let cli = Cli::new().await;
    let first = cli.run(&["create-admin", "--email", "ada@example.com", "--name", "Ada"], "a long enough passphrase\n");
    assert!(first.status.success(), "{}", stderr(&first));

    let duplicate = cli.run(&["create-admin", "--email", "ADA@example.com", "--name", "Ada"], "a long enough passphrase\n");
    let short = cli.run(&["create-admin", "--email", "bob@example.com", "--name", "Bob"], "short\n");
    let bad_email = cli.run(&["create-admin", "--email", "bob", "--name", "Bob"], "a long enough passphrase\n");

    assert!(!duplicate.status.success());
    assert!(stderr(&duplicate).contains("already exists"), "{}", stderr(&duplicate));
    assert!(!short.status.success());
    assert!(stderr(&short).contains("at least 12 characters"), "{}", stderr(&short));
    assert!(!bad_email.status.success());
    assert!(stderr(&bad_email).contains("valid email address"), "{}", stderr(&bad_email));
}

#[tokio::test]
async fn add_department_and_location_create_units_and_refuse_duplicates() {
    let cli = Cli::new().await;

    let added = cli.run(&["add-department", "--name", "Quality"], "");
    let location = cli.run(&["add-location", "--name", "Plant North"], "");
    let duplicate = cli.run(&["add-department", "--name", "  quality "], "");
    let empty = cli.run(&["add-department", "--name", "   "], "");

    assert!(added.status.success(), "{}", stderr(&added));
    assert!(location.status.success(), "{}", stderr(&location));
    assert!(!duplicate.status.success());
    assert!(stderr(&duplicate).contains("already exists"), "{}", stderr(&duplicate));
    assert!(!empty.status.success());
    let db = Database::connect(&cli.database_url).await.unwrap();
    assert_eq!(department::Entity::find().all(&db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_setting_stops_the_server_with_a_message_naming_it() {
    let cli = Cli::new().await;

    let output = cli.run_with(&["serve"], "", &[("INVITE_TTL", "soon")]);

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("INVITE_TTL"), "{}", stderr(&output));
}

#[tokio::test]
async fn seed_demo_fills_an_empty_database_once() {
    let cli = Cli::new().await;

    let first = cli.run(&["seed-demo"], "");
    let second = cli.run(&["seed-demo"], "");

    assert!(first.status.success(), "{}", stderr(&first));
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(out.contains("admin@example.com"), "{out}");
    let second_out = String::from_utf8_lossy(&second.stdout);
    assert!(second_out.contains("already has users"), "{second_out}");
    let db = Database::connect(&cli.database_url).await.unwrap();
    assert_eq!(department::Entity::find().all(&db).await.unwrap().len(), 4);
    assert_eq!(user::Entity::find().all(&db).await.unwrap().len(), 5);
}

#[tokio::test]
async fn no_raw_token_or_its_hash_reaches_the_log_even_at_debug_level() {
    let cli = Cli::new().await;
    let created = cli.run(&["create-admin", "--email", "ada@example.com", "--name", "Ada"], "a long enough passphrase\n");
    assert!(created.status.success(), "{}", stderr(&created));
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DATABASE_URL", &cli.database_url)
        .env("DATA_DIR", cli.dir.path())
        .env("PUBLIC_URL", "http://onboard.test")
        .env("RUST_LOG", "debug");
    let server = crate::helpers::ServerProcess::start(command);
    let base = server.url.clone();
    let client = crate::helpers::client();
    let health = format!("{base}/healthz");
    eventually("the server to answer", async || client.get(&health).send().await.ok().filter(|r| r.status().is_success())).await;
    let signed_in = client.post(format!("{base}/api/sign_in")).header("Sec-Fetch-Site", "same-origin")
        .form(&[("email", "ada@example.com"), ("password", "a long enough passphrase")]).send().await.unwrap();
    assert!(signed_in.status().is_success());
    let sent = client.post(format!("{base}/api/send_invitation")).header("Sec-Fetch-Site", "same-origin")
        .form(&[("email", "new@example.com"), ("role", "employee")]).send().await.unwrap();
    assert!(sent.status().is_success());
    let mail_dir = cli.dir.path().join("mail");
    let mail = eventually("the invitation's mail", async || {
        let mut files = std::fs::read_dir(&mail_dir).ok()?.filter_map(Result::ok);
        let text = files.find(|e| e.path().extension().is_some_and(|x| x == "txt"))?;
        std::fs::read_to_string(text.path()).ok()
    })
    .await;
    let token: String = mail.split("/invitation/").nth(1).expect("a link in the mail").chars().take(43).collect();
    // The invitee follows the link and completes sign-up.
    let invitee = crate::helpers::client();
    invitee.get(format!("{base}/invitation/{token}")).send().await.unwrap();
    invitee.get(format!("{base}/invitation")).header("accept", "text/html").send().await.unwrap();
    let new_password = "kestrel over the foundry roof";
    let accepted = invitee.post(format!("{base}/api/accept_invitation")).header("Sec-Fetch-Site", "same-origin")
        .form(&[("password", new_password), ("password_confirmation", new_password), ("first_name", "Nia"),
            ("last_name", "Ellis"), ("language", "en")]).send().await.unwrap();
    assert!(accepted.status().is_success(), "{}", accepted.text().await.unwrap());
    let log = server.stop();

    assert!(log.contains("invitation sent"), "the log is being written: {log}");
    assert!(!log.contains(&token), "the raw token is in the log");
    assert!(!log.contains(&app::ssr::tokens::hash_token(&token)), "the token hash is in the log");
    assert!(log.contains("invitation accepted"), "the acceptance is logged: {log}");
    assert!(!log.contains(new_password), "the password is in the log");
    let db = Database::connect(&cli.database_url).await.unwrap();
    let events = app::ssr::entities::audit_event::Entity::find().all(&db).await.unwrap();
    assert!(events.iter().any(|e| e.event_type == "user.created"));
    for event in events {
        for secret in [token.as_str(), &app::ssr::tokens::hash_token(&token), new_password, "$argon2"] {
            assert!(!event.details.contains(secret), "{} records a secret: {}", event.event_type, event.details);
        }
    }
}
