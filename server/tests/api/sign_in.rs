use crate::helpers::{PASSWORD, client, spawn_app, spawn_app_with};
use app::domain::Role;
use app::ssr::entities::session;
use app::ssr::tokens::hash_token;
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, FromQueryResult};
use std::time::Instant;

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("onboard_session=") || c.starts_with("__Host-onboard_session="))
        .expect("a session cookie is set")
}

#[tokio::test]
async fn an_admin_with_the_right_password_is_signed_in_and_sent_to_users() {
    let app = spawn_app().await;
    app.user("boss@example.com", Role::CorporateAdmin, None).await;
    let client = client();

    let response = app.call(&client, "sign_in", &[("email", "  Boss@Example.com "), ("password", PASSWORD)]).await;

    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http must not set Secure: {cookie}");
    assert_eq!(response.text().await.unwrap(), "\"/users\"");
    let me = app.call(&client, "get_current_user", &[]).await.text().await.unwrap();
    assert!(me.contains("\"role\":\"CorporateAdmin\""), "{me}");
}

#[tokio::test]
async fn an_employee_is_sent_to_their_profile() {
    let app = spawn_app().await;
    app.user("worker@example.com", Role::Employee, None).await;
    let client = client();

    let response = app.call(&client, "sign_in", &[("email", "worker@example.com"), ("password", PASSWORD)]).await;

    assert_eq!(response.text().await.unwrap(), "\"/profile\"");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_byte_identical_answers() {
    let app = spawn_app().await;
    app.user("real@example.com", Role::Employee, None).await;

    let wrong_password = app.call(&client(), "sign_in", &[("email", "real@example.com"), ("password", "not the password")]).await;
    let unknown_email = app.call(&client(), "sign_in", &[("email", "nobody@example.com"), ("password", "not the password")]).await;

    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.status(), unknown_email.status());
    assert!(wrong_password.headers().get("set-cookie").is_none());
    let (a, b) = (wrong_password.text().await.unwrap(), unknown_email.text().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(a, "\"InvalidCredentials\"", "the browser shows this as its sentence");
}

/// How long one failed sign-in as `email` takes to answer.
async fn failed_sign_in_time(app: &crate::helpers::TestApp, email: &str) -> f64 {
    let start = Instant::now();
    let response = app.call(&client(), "sign_in", &[("email", email), ("password", "not the password")]).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
    start.elapsed().as_secs_f64()
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

#[tokio::test]
async fn an_unknown_email_costs_as_much_time_as_a_wrong_password() {
    let app = spawn_app().await;
    // One try per account, so no sample meets a lock (which answers without hashing), and the
    // two kinds interleaved, so a busy moment on the machine lands on both alike.
    let (mut wrong, mut unknown) = (Vec::new(), Vec::new());
    for n in 0..7 {
        let real = format!("real{n}@example.com");
        app.user(&real, Role::Employee, None).await;
        wrong.push(failed_sign_in_time(&app, &real).await);
        unknown.push(failed_sign_in_time(&app, &format!("nobody{n}@example.com")).await);
    }
    let (wrong_password, unknown_email) = (median(wrong), median(unknown));

    // Without the decoy hash an unknown email answers in about a millisecond, over ten times
    // faster than an argon2 verification; a factor of three leaves room for a busy machine.
    let ratio = unknown_email / wrong_password;
    assert!((1.0 / 3.0..3.0).contains(&ratio), "unknown {unknown_email:.4}s vs wrong {wrong_password:.4}s");
}

#[tokio::test]
async fn only_a_hash_of_the_session_id_is_stored() {
    let app = spawn_app().await;
    app.user("boss@example.com", Role::CorporateAdmin, None).await;

    let response = app.call(&client(), "sign_in", &[("email", "boss@example.com"), ("password", PASSWORD)]).await;

    let cookie = session_cookie(&response);
    let raw = cookie.trim_start_matches("onboard_session=").split(';').next().unwrap();
    let stored = session::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].id_hash, raw);
    assert_eq!(stored[0].id_hash, hash_token(raw));
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server_too() {
    let app = spawn_app().await;
    app.user("boss@example.com", Role::CorporateAdmin, None).await;
    let response = app.call(&client(), "sign_in", &[("email", "boss@example.com"), ("password", PASSWORD)]).await;
    let cookie = session_cookie(&response);
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let with_cookie = |path: &str| client().post(app.url(path)).header("cookie", cookie.clone()).header("Sec-Fetch-Site", "same-origin");

    let signed_out = with_cookie("/api/sign_out").send().await.unwrap();
    let after = with_cookie("/api/get_current_user").send().await.unwrap();

    assert_eq!(signed_out.status(), StatusCode::OK);
    assert!(session_cookie(&signed_out).contains("Max-Age=0"));
    assert_eq!(after.text().await.unwrap(), "null", "the old cookie must not work after sign-out");
    assert!(session::Entity::find().all(&app.state.db).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_session_is_refused_and_pages_send_to_sign_in() {
    let app = spawn_app_with(&[("SESSION_TTL", "1h")]).await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;
    assert_eq!(app.page(&client, "/users").await.status(), StatusCode::OK);

    app.clock.advance(Duration::minutes(61));

    let me = app.call(&client, "get_current_user", &[]).await.text().await.unwrap();
    assert_eq!(me, "null");
    let page = app.page(&client, "/users").await;
    assert_eq!(page.status(), StatusCode::FOUND);
    assert_eq!(page.headers()["location"], "/sign-in");
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_the_public_url_is_https() {
    let app = spawn_app_with(&[("PUBLIC_URL", "https://onboard.example.com")]).await;
    app.user("boss@example.com", Role::CorporateAdmin, None).await;

    let response = app.call(&client(), "sign_in", &[("email", "boss@example.com"), ("password", PASSWORD)]).await;

    let cookie = session_cookie(&response);
    assert!(cookie.contains("Secure"));
    assert!(cookie.starts_with("__Host-onboard_session="), "over https the cookie is bound to this origin: {cookie}");
    assert!(cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn the_sign_in_page_is_served_with_its_form() {
    let app = spawn_app().await;

    let page = app.page(&client(), "/sign-in").await;

    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign in to Onboard"));
    assert!(html.contains("name=\"password\""));
}

#[tokio::test]
async fn signing_in_on_a_shared_terminal_ends_the_previous_persons_session() {
    let app = spawn_app().await;
    app.user("first@example.com", Role::Employee, None).await;
    app.user("second@example.com", Role::Employee, None).await;
    let terminal = client();
    let first = app.call(&terminal, "sign_in", &[("email", "first@example.com"), ("password", PASSWORD)]).await;
    let first_cookie = session_cookie(&first).split(';').next().unwrap().to_owned();

    let second = app.call(&terminal, "sign_in", &[("email", "second@example.com"), ("password", PASSWORD)]).await;

    assert_eq!(second.status(), StatusCode::OK);
    let replayed = client()
        .post(app.url("/api/get_current_user"))
        .header("cookie", first_cookie)
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.text().await.unwrap(), "null", "the first person's session still works");
    assert_eq!(session::Entity::find().all(&app.state.db).await.unwrap().len(), 1);
}

#[derive(sea_orm::FromQueryResult)]
struct Count {
    n: i64,
}

#[tokio::test]
async fn sign_ins_past_the_hashing_queue_get_a_quick_503_and_count_as_nothing() {
    let app = spawn_app_with(&[("PASSWORD_HASH_QUEUE", "1")]).await;
    app.user("real@example.com", Role::Employee, None).await;

    let tasks: Vec<_> = (0..40)
        .map(|n| {
            let url = app.url("/api/sign_in");
            tokio::spawn(async move {
                let form = [("email", format!("ghost{n}@example.com")), ("password", "not the password".to_owned())];
                let response = client().post(url).header("Sec-Fetch-Site", "same-origin").form(&form).send().await.unwrap();
                let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
                (response.status(), retry_after, response.text().await.unwrap())
            })
        })
        .collect();
    let mut refused = 0;
    let mut busy = 0;
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::UNAUTHORIZED, _, _) => refused += 1,
            (StatusCode::SERVICE_UNAVAILABLE, Some(wait), body) => {
                assert_eq!(wait, "2");
                assert_eq!(serde_json::from_str::<app::error::AppError>(&body).unwrap(), app::error::AppError::Busy);
                busy += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    assert!(busy > 0, "the queue never filled ({refused} refused)");
    let db = &app.state.db;
    let sql = "SELECT COUNT(*) AS n FROM sign_in_failures";
    let failures = Count::find_by_statement(app::ssr::raw::statement(db, sql, vec![])).one(db).await.unwrap().unwrap();
    assert_eq!(failures.n, refused, "a 503 must not count as a failed sign-in");
    let after = app.call(&client(), "sign_in", &[("email", "real@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(after.status(), StatusCode::OK, "once the flood has passed, sign-in works");
}
