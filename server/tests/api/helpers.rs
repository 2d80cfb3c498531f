//! `spawn_app()` and the helpers the HTTP tests share.

use app::auth::service::{NewAccount, create_account};
use app::domain::Role;
use app::domain::email::WorkEmail;
use app::domain::password::NewPassword;
use app::organisation::dto::UnitKind;
use app::organisation::service::add_unit;
use app::error::AppError;
use app::invitations::service::{EmailInvite, InvitationWriter, send_email_invitation};
use app::ssr::{Actor, Clock, ManualClock};
use app::state::AppState;
use chrono::{DateTime, SubsecRound, Utc};
use reqwest::{Response, StatusCode};
use app::ssr::entities::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use server::config::Config;
use server::startup::Application;
use std::collections::HashMap;
use std::sync::Arc;

pub const PASSWORD: &str = "a long enough passphrase";
/// The password invitees choose in tests.
pub const NEW_PASSWORD: &str = "kestrel over the foundry roof";
pub const PUBLIC_URL: &str = "http://onboard.test";

pub struct TestApp {
    pub address: String,
    /// The database the server was given, for a test that needs a connection of its own.
    pub database_url: String,
    pub state: AppState,
    pub invitations: InvitationWriter,
    pub clock: ManualClock,
    pub data_dir: tempfile::TempDir,
}

/// Which database the suite runs on, from `ONBOARD_TEST_DB` (`sqlite` unless `postgres`).
pub fn on_postgres() -> bool {
    std::env::var("ONBOARD_TEST_DB").is_ok_and(|v| v == "postgres")
}

pub fn postgres_base() -> String {
    std::env::var("ONBOARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database URL for a database nobody else uses.
pub async fn fresh_database(data_dir: &std::path::Path) -> (String, String) {
    let mut id = [0u8; 6];
    getrandom::fill(&mut id).unwrap();
    // The test command gives each run a prefix of its own and drops only databases with it.
    let prefix = std::env::var("ONBOARD_TEST_PG_PREFIX").unwrap_or_else(|_| "onboard_test_".into());
    let name = format!("{prefix}{}", id.iter().map(|b| format!("{b:02x}")).collect::<String>());
    if on_postgres() {
        let admin = Database::connect(format!("{}/postgres", postgres_base()))
            .await
            .expect("PostgreSQL is reachable at ONBOARD_TEST_PG_URL");
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        admin.close().await.unwrap();
        (format!("{}/{name}", postgres_base()), name)
    } else {
        (format!("sqlite://{}?mode=rwc", data_dir.join(format!("{name}.db")).display()), name)
    }
}

/// Starts the server on a free port with a fresh database and a hand-driven clock.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_app_configured(extra, |_| {}).await
}

/// As [`spawn_app_with`], with a last change to the configuration the variables made: for
/// what no variable of a test binary can say (hashed file names need cargo-leptos's list).
pub async fn spawn_app_configured(extra: &[(&str, &str)], adjust: impl FnOnce(&mut Config)) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let (database_url, _) = fresh_database(data_dir.path()).await;
    let mut vars: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), database_url.clone()),
        ("DATA_DIR".into(), data_dir.path().display().to_string()),
        ("PUBLIC_URL".into(), PUBLIC_URL.into()),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
    ]);
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    let mut config = Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration is valid");
    adjust(&mut config);
    // PostgreSQL keeps microseconds: a clock at whole microseconds reads back exactly.
    let clock = ManualClock::new(Utc::now().trunc_subsecs(6));
    let app = Application::build_with_clock(config, Arc::new(clock.clone())).await.expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (state, invitations) = (app.state.clone(), app.invitations.clone());
    tokio::spawn(app.run_until_stopped());
    TestApp { address, database_url, state, invitations, clock, data_dir }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn department(&self, name: &str) -> i32 {
        add_unit(&self.state.db, UnitKind::Department, name, self.clock.now()).await.unwrap().id
    }

    pub async fn location(&self, name: &str) -> i32 {
        add_unit(&self.state.db, UnitKind::Location, name, self.clock.now()).await.unwrap().id
    }

    /// Creates a user with `role` and answers them as the acting identity services take.
    pub async fn actor(&self, email: &str, role: Role, department_id: Option<i32>) -> Actor {
        let id = self.user(email, role, department_id).await;
        Actor { user_id: id, name: format!("Person {email}"), email: Some(email.into()), role, department_id }
    }

    /// Invites by email as `actor` at the test clock's time, through the service.
    pub async fn invite(&self, actor: &Actor, email: &str, role: Role, department_id: Option<i32>) -> Result<i32, AppError> {
        let input = EmailInvite { email: email.into(), role: role.as_str().into(), department_id: department_id.map(Into::into), location_id: None };
        self.send(actor, input).await.map(|(id, _)| id)
    }

    /// Sends an email invitation as `actor` at the test clock's time, the way the Invite
    /// dialog's server function does (through the writer task, which wakes the outbox).
    pub async fn send(&self, actor: &Actor, input: EmailInvite) -> Result<(i32, String), AppError> {
        self.send_at(actor, input, self.clock.now()).await
    }

    /// [`send`](Self::send) at `now`, as a request that read the clock then.
    pub async fn send_at(&self, actor: &Actor, input: EmailInvite, now: DateTime<Utc>) -> Result<(i32, String), AppError> {
        send_email_invitation(&self.state.db, &self.invitations, actor, now, input).await
    }

    /// Waits until the app's outbox worker has done everything due at the test clock's time: no
    /// message is being sent and none that is due waits. What was sent by then is all that will
    /// be sent until the clock moves on, so a test can check that something did not go.
    pub async fn outbox_caught_up(&self) {
        use app::mail::outbox::Status;
        self.state.outbox.wake();
        eventually("the outbox to catch up", async || {
            let due = sea_orm::Condition::all()
                .add(outbox::Column::Status.is_in([Status::Queued, Status::Retrying]))
                .add(outbox::Column::NextAttemptAt.lte(self.clock.now()));
            let busy = sea_orm::Condition::any().add(outbox::Column::Status.eq(Status::Sending)).add(due);
            let left = outbox::Entity::find().filter(busy).count(&self.state.db).await.unwrap();
            (left == 0).then_some(())
        })
        .await
    }

    /// The mail captured so far (no SMTP_URL), as readable text, waiting up to 15 s for at
    /// least `count` messages. The outbox keeps bodies only until they are sent.
    pub async fn captured_mail(&self, count: usize) -> Vec<String> {
        let dir = self.data_dir.path().join("mail");
        for _ in 0..150 {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect())
                .unwrap_or_default();
            if files.len() >= count {
                files.sort();
                return files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("fewer than {count} messages were captured");
    }

    /// Creates an active user with [`PASSWORD`].
    pub async fn user(&self, email: &str, role: Role, department_id: Option<i32>) -> i32 {
        let account = NewAccount {
            email: WorkEmail::parse(email).unwrap(),
            name: format!("Person {email}"),
            role,
            department_id,
            location_id: None,
            password: NewPassword::parse(PASSWORD.into(), email).unwrap(),
        };
        create_account(&self.state.db, account, Utc::now()).await.unwrap().id
    }

    /// The token in the newest captured invitation mail to `email`, waiting up to 15 s for it.
    pub async fn token_for(&self, email: &str) -> String {
        let dir = self.data_dir.path().join("mail");
        let to = format!("To: {email}\n");
        for _ in 0..150 {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect())
                .unwrap_or_default();
            files.sort();
            let newest = files.iter().rev().map(|f| std::fs::read_to_string(f).unwrap()).find(|m| m.starts_with(&to));
            if let Some(mail) = newest {
                let link = mail.split("/invitation/").nth(1).expect("the mail has a link");
                return link.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no invitation mail to {email} was captured");
    }

    /// Invites `email` through the service and answers the token from the mail it gets.
    pub async fn invite_for_token(&self, actor: &Actor, email: &str, role: Role, department_id: Option<i32>) -> String {
        self.invite(actor, email, role, department_id).await.expect("the invitation is sent");
        self.token_for(email).await
    }

    /// A fresh browser that has followed the link for `token`.
    pub async fn follow_link(&self, token: &str) -> reqwest::Client {
        let browser = client();
        let response = browser.get(self.url(&format!("/invitation/{token}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        browser
    }

    /// Submits the accept form from `browser` with a valid profile, `overrides` replacing or
    /// adding fields.
    pub async fn accept(&self, browser: &reqwest::Client, overrides: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![
            ("password", NEW_PASSWORD),
            ("password_confirmation", NEW_PASSWORD),
            ("first_name", "Nia"),
            ("last_name", "Ellis"),
            ("job_title", "Quality Inspector"),
            ("phone", "+44 161 496 0000"),
            ("language", "en"),
        ];
        for (key, value) in overrides {
            match form.iter_mut().find(|(k, _)| k == key) {
                Some(field) => field.1 = value,
                None => form.push((key, value)),
            }
        }
        self.call(browser, "accept_invitation", &form).await
    }

    /// Loads a page the way a browser navigation does (`Accept: text/html`).
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> Response {
        client.get(self.url(path)).header("accept", "text/html").send().await.unwrap()
    }

    /// Calls a server function the way a same-origin page does.
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Sec-Fetch-Site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs `client` in and checks that it worked.
    pub async fn sign_in(&self, client: &reqwest::Client, email: &str) {
        let response = self.call(client, "sign_in", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in as {email} failed");
    }

    /// A signed-in client for a new user with `role`.
    pub async fn signed_in_as(&self, role: Role, department_id: Option<i32>) -> reqwest::Client {
        let email = format!("{}@example.com", role.as_str().replace('_', "."));
        self.user(&email, role, department_id).await;
        let client = client();
        self.sign_in(&client, &email).await;
        client
    }
}

/// Polls `check` for up to 15 seconds.
pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(start.elapsed().as_secs() < 15, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Sets one column of outbox row `id` as a faulty release or a hand edit would, without reading
/// the row back.
pub async fn set_outbox_column(db: &sea_orm::DatabaseConnection, id: i32, column: outbox::Column, value: sea_orm::Value) {
    let done = outbox::Entity::update_many()
        .col_expr(column, Expr::value(value))
        .filter(outbox::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();
    assert_eq!(done.rows_affected, 1);
}

/// The limits as the README publishes them, written out here rather than read from the code's
/// constants: a changed constant then fails a test until the README and these agree again.
pub mod published {
    /// "5 per invitation, after which the code is dead" (wrong setup codes per code).
    pub const WRONG_CODES_PER_CODE: i32 = 5;
    /// "20 per client address per hour, across all accounts" (wrong setup codes).
    pub const WRONG_CODES_PER_CLIENT: i64 = 20;
    /// "After 5 failures within 15 minutes from one client" (sign-in, per account and client).
    pub const SIGN_IN_FAILURES_PER_ACCOUNT_AND_CLIENT: i64 = 5;
    /// "20 failures within 15 minutes from any clients lock the account".
    pub const SIGN_IN_FAILURES_PER_ACCOUNT: i64 = 20;
    /// "100 failures an hour from one address, across accounts, stop that address".
    pub const SIGN_IN_FAILURES_PER_CLIENT: i64 = 100;
    /// Mail is tried "at most 10 times".
    pub const MAIL_ATTEMPTS: i32 = 10;
}

/// The built server binary serving as its own process, as an operator runs it, on a port the
/// system picks (it names the port in its log: the test never guesses a free one). Stopped when
/// dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub url: String,
    log: Option<std::thread::JoinHandle<String>>,
}

impl ServerProcess {
    /// Runs `server serve` with the settings in `command`; `RUST_LOG` must let `server=info` through.
    pub fn start(mut command: std::process::Command) -> ServerProcess {
        use std::io::BufRead;
        command
            .arg("serve")
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().expect("the server binary runs");
        let stderr = child.stderr.take().unwrap();
        let (found, port) = std::sync::mpsc::channel();
        // Reads the log to its end, so the server never blocks on a full pipe.
        let log = std::thread::spawn(move || {
            let mut log = String::new();
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(port) = listening_port(&line) {
                    // The test may have stopped waiting; the log goes on being read either way.
                    found.send(port).ok();
                }
                log.push_str(&line);
                log.push('\n');
            }
            log
        });
        let port = port.recv_timeout(std::time::Duration::from_secs(60)).expect("the server says where it listens");
        ServerProcess { child, url: format!("http://127.0.0.1:{port}"), log: Some(log) }
    }

    /// Stops the server; answers everything it logged.
    pub fn stop(mut self) -> String {
        self.child.kill().expect("the server is running");
        self.child.wait().unwrap();
        self.log.take().unwrap().join().unwrap()
    }
}

/// The port in the server's "Onboard is listening" line, like `INFO server: Onboard is listening port=41234`.
fn listening_port(line: &str) -> Option<u16> {
    let rest = &line[line.find("Onboard is listening")?..];
    let digits: String = rest[rest.find("port=")? + "port=".len()..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.log.is_some() {
            // Already gone when the test has stopped it or it has failed.
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}
