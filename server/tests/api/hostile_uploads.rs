//! Uploads as a hostile client sends them, over HTTP to the real server: files built to blow up
//! a spreadsheet reader, fields too big or not asked for, a malformed multipart header. Each
//! gets a clear 4xx and the server goes on answering.

#[path = "../../../app/tests/support/xlsx.rs"]
mod xlsx;

use crate::helpers::{PASSWORD, TestApp, client, eventually, spawn_app};
use server::middleware::MAX_UPLOAD_REQUEST;
use app::domain::Role;
use app::imports::service::Upload;
use app::ssr::models::import_row::MAX_REASON_CHARS;
use app::ssr::entities::{audit_event, import, import_row};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sea_orm::EntityTrait;

/// Posts `form` to upload endpoint `endpoint` from `browser`, as the import page does.
async fn upload(app: &TestApp, browser: &reqwest::Client, endpoint: &str, form: Form) -> reqwest::Response {
    browser.post(app.url(&format!("/api/{endpoint}"))).header("Sec-Fetch-Site", "same-origin").multipart(form).send().await.unwrap()
}

fn file(bytes: Vec<u8>, name: &str) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

async fn still_answering(app: &TestApp) {
    let health = client().get(app.url("/healthz")).send().await.expect("the server still answers");
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn workbooks_with_a_cell_far_out_get_a_clear_400_and_the_server_stays_up() {
    let app = spawn_app().await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;
    for (row, column, cell) in [(1_048_575, 16_383, "XFD1048576"), (5_999, 16_383, "XFD6000")] {
        let workbook = xlsx::text_cells(&[(0, 0, "email"), (1, 0, "ana@example.com"), (row, column, "x")]);
        assert!(workbook.len() < 5 * 1024);
        // Started with the right digest, as after a preview: the file is still read, and refused.
        let digest = Upload { file_name: String::new(), bytes: workbook.clone() }.digest();
        for (endpoint, form) in [
            ("preview_import", file(workbook.clone(), "staff.xlsx")),
            ("start_import", file(workbook.clone(), "staff.xlsx").text("digest", digest)),
        ] {
            let response = upload(&app, &browser, endpoint, form).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{endpoint} {cell}");
            let text = response.text().await.unwrap();
            assert!(text.contains(&format!("cell {cell}")), "{text}");
            still_answering(&app).await;
        }
    }
    assert!(import::Entity::find().all(&app.state.db).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_multipart_header_with_a_malformed_boundary_gets_400_without_signing_in() {
    let app = spawn_app().await;
    for content_type in ["multipart/form-data; xboundary=1", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"open"] {
        let response = client()
            .post(app.url("/api/preview_import"))
            .header("Sec-Fetch-Site", "same-origin")
            .header("Content-Type", content_type)
            .body("--1\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--1--\r\n")
            .send()
            .await
            .expect("an answer, not a dropped connection");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{content_type}");
        assert!(response.text().await.unwrap().contains("multipart/form-data"));
    }
    still_answering(&app).await;
}

#[tokio::test]
async fn fields_the_form_does_not_send_or_sends_once_are_refused_and_the_digest_is_read_only_so_far() {
    let app = spawn_app().await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;
    let csv = || b"email\nana@example.com\n".to_vec();

    let long_digest = file(csv(), "staff.csv").text("digest", "a".repeat(1024 * 1024));
    let response = upload(&app, &browser, "preview_import", long_digest).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("`digest` field is too long"));

    let unknown = file(csv(), "staff.csv").part("extra", Part::bytes(vec![b'x'; 1024]));
    let response = upload(&app, &browser, "preview_import", unknown).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("field the import form does not send"));

    let twice = file(csv(), "staff.csv").part("file", Part::bytes(csv()).file_name("other.csv"));
    let response = upload(&app, &browser, "preview_import", twice).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("`file` twice"));

    assert_eq!(upload(&app, &browser, "preview_import", file(csv(), "staff.csv")).await.status(), StatusCode::OK);
}

/// Sends `head` (the request line and headers) and then `body` over a plain connection, and
/// answers the status and body of the answer. A connection of its own, so a test can send what
/// a client library would not: a length it never delivers, a body cut off mid-way.
async fn raw_request(app: &TestApp, head: &str, body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server may answer and close before all of it is written.
    let _ = stream.write_all(body).await;
    // What was read stays even if the connection is reset after the answer (the server closes
    // it with part of the body unread).
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(15), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server answers and closes the connection");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

#[tokio::test]
async fn a_request_larger_than_the_largest_upload_is_refused_whether_or_not_it_says_its_length() {
    let app = spawn_app().await;
    app.user("corp@example.com", Role::CorporateAdmin, None).await;
    let signed_in = app.call(&client(), "sign_in", &[("email", "corp@example.com"), ("password", PASSWORD)]).await;
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let boundary = "----onboard-test";
    let head = |length: &str| {
        format!(
            "POST /api/preview_import HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nCookie: {cookie}\r\n\
             Content-Type: multipart/form-data; boundary={boundary}\r\n{length}\r\n"
        )
    };

    // Six megabytes said, none sent: refused on what the request says, before any is read.
    let (status, answer) = raw_request(&app, &head(&format!("Content-Length: {}\r\n", 6 * 1024 * 1024)), b"").await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("larger than 5 MB"), "{answer}");

    // No length said: a multipart reader skips whatever comes before the first part, reading
    // all of it; it is cut off once the request passes the largest upload.
    let mut chunked = Vec::new();
    for _ in 0..=MAX_UPLOAD_REQUEST / (64 * 1024) {
        chunked.extend(format!("{:x}\r\n", 64 * 1024).bytes());
        chunked.extend(std::iter::repeat_n(b'.', 64 * 1024));
        chunked.extend(b"\r\n");
    }
    let (status, answer) = raw_request(&app, &head("Transfer-Encoding: chunked\r\n"), &chunked).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.contains("could not be read"), "{answer}");
    still_answering(&app).await;
}

#[tokio::test]
async fn a_refused_row_with_a_long_cell_is_stored_with_a_bounded_reason_after_a_clean_preview() {
    let app = spawn_app().await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;
    let text = format!("email,role\nana@example.com,Employee\nbo@example.com,{}\n", "Chief ".repeat(100));
    let previewed = upload(&app, &browser, "preview_import", file(text.clone().into_bytes(), "staff.csv")).await;
    assert_eq!(previewed.status(), StatusCode::OK);
    let preview: app::imports::dto::ImportPreview = previewed.json().await.unwrap();

    let started = upload(&app, &browser, "start_import", file(text.into_bytes(), "staff.csv").text("digest", preview.digest)).await;

    assert_eq!(started.status(), StatusCode::OK);
    let rows = import_row::Entity::find().all(&app.state.db).await.unwrap();
    let refused = rows.iter().find(|r| r.row_number == 3).unwrap().reason.clone().unwrap();
    assert!(refused.chars().count() <= MAX_REASON_CHARS, "{refused}");
    assert!(refused.contains("no role called \"Chief Chief"), "{refused}");
}

#[tokio::test]
async fn an_upload_keeps_no_invisible_or_text_direction_characters_of_its_file_name() {
    let app = spawn_app().await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;
    let text = b"email\nana@example.com\n".to_vec();
    let name = "staff\u{202E}vsc\u{200B}.csv";
    let previewed = upload(&app, &browser, "preview_import", file(text.clone(), name)).await;
    let preview: app::imports::dto::ImportPreview = previewed.json().await.unwrap();
    assert_eq!(preview.file_name, "staffvsc.csv");

    let started = upload(&app, &browser, "start_import", file(text, name).text("digest", preview.digest)).await;
    assert_eq!(started.status(), StatusCode::OK);
    let job = eventually("the import", async || import::Entity::find().one(&app.state.db).await.unwrap()).await;
    assert_eq!(job.file_name, "staffvsc.csv");
    let events = audit_event::Entity::find().all(&app.state.db).await.unwrap();
    assert!(events.iter().all(|e| !e.details.contains('\u{202E}') && !e.details.contains("\\u202e")), "{events:?}");
}
