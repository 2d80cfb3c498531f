//! Importing people from a spreadsheet: the preview's outcomes (and that it writes nothing),
//! the job under the hourly limit with a moved clock, restarts, two instances, cancel, rules
//! checked again at send time, handout sheets, and the server functions and downloads.

use crate::helpers::{TestApp, client, spawn_app, spawn_app_with};
use crate::setup::{form, setup};
use app::domain::Role;
use app::error::AppError;
use app::imports::dto::{ImportState, RowOutcome};
use app::imports::service::{Upload, cancel, preview, print_handouts, progress, result_csv, run_due, start};
use app::organisation::dto::UnitKind;
use app::organisation::service::set_archived;
use app::ssr::entities::{audit_event, import};
use app::ssr::{Actor, Clock};
use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, Statement};

fn upload(text: &str) -> Upload {
    Upload { file_name: "staff.csv".into(), bytes: text.as_bytes().to_vec() }
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = &app.state.db;
    let statement = Statement::from_string(db.get_database_backend(), sql.to_owned());
    Count::find_by_statement(statement).one(db).await.unwrap().unwrap().n
}

/// Every table an import could write to, counted.
async fn written(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["invitations", "users", "email_outbox", "audit_events", "imports", "import_rows", "invite_attempts"] {
        counts.push(count(app, &format!("SELECT COUNT(*) AS n FROM {table}")).await);
    }
    counts
}

pub(crate) async fn start_file(app: &TestApp, actor: &Actor, text: &str) -> i32 {
    let file = upload(text);
    start(&app.state.db, actor, app.clock.now(), &file, &file.digest()).await.expect("the import starts")
}

/// Takes import `id` as far as it can go at the test clock's time, on this test's own instance
/// or on the app's worker, whichever claims it: done when nobody holds it and it is over or
/// waiting for a later time.
pub(crate) async fn drive(app: &TestApp, id: i32) {
    crate::helpers::eventually("the import to settle", async || {
        let (db, settings) = (&app.state.db, &app.state.settings);
        run_due(db, settings, &app.clock, &app.state.outbox, "test-instance").await.unwrap();
        let job = import::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        let settled = job.lease_owner.is_none() && (job.state != import::State::Running || job.next_run_at > app.clock.now());
        settled.then_some(())
    })
    .await;
}

fn emails(n: usize) -> String {
    let mut text = String::from("email,first_name,last_name\n");
    for i in 1..=n {
        text.push_str(&format!("person{i}@example.com,Person,Number {i}\n"));
    }
    text
}

#[tokio::test]
async fn the_preview_gives_each_row_its_outcome_and_writes_nothing() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let old = app.department("Old Plant").await;
    app.location("Plant 2").await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    set_archived(&app.state.db, &admin, UnitKind::Department, old, true, app.clock.now()).await.unwrap();
    app.user("taken@example.com", Role::Employee, Some(quality)).await;
    let file = "\u{feff}Email;First Name;Last Name;Employee Number;Role;Department;Location;Cost centre\r\n\
        lena@example.com;Lena;Fischer;;Team Lead;quality;plant 2;4410\r\n\
        ;Zoë;Brandt;40123;Employee;Quality;;4410\r\n\
        not-an-address;;;;Employee;;;\r\n\
        boss@example.com;;;;Chief;;;\r\n\
        ;Iker;Núñez;40124;HR Admin;Quality;;\r\n\
        old@example.com;;;;Employee;Old Plant;;\r\n\
        far@example.com;;;;Employee;;Moon Base;\r\n\
        ;;Nameless;40125;Employee;;;\r\n\
        LENA@example.com;;;;Employee;;;\r\n\
        taken@example.com;;;;Employee;;;\r\n\
        qa@example.com;;;;Quality Admin;;;\r\n\
        ;;;;;;;\r\n";
    let before = written(&app).await;

    let preview = preview(&app.state.db, &admin, &app.state.settings, app.clock.now(), &upload(file)).await.unwrap();

    assert_eq!(written(&app).await, before, "a preview writes nothing");
    assert_eq!(preview.unknown_columns, vec!["Cost centre".to_owned()]);
    let outcome = |number: u32| preview.rows.iter().find(|r| r.number == number).map(|r| (r.outcome, r.reason.clone().unwrap_or_default())).unwrap();
    assert_eq!(outcome(2).0, RowOutcome::Email);
    assert_eq!(outcome(3).0, RowOutcome::ShopFloor);
    assert!(outcome(4).1.starts_with("email:"), "{:?}", outcome(4));
    assert!(outcome(5).1.contains("no role called \"Chief\""), "{:?}", outcome(5));
    assert!(outcome(6).1.contains("Admin roles need an email address"), "{:?}", outcome(6));
    assert!(outcome(7).1.contains("Old Plant is archived"), "{:?}", outcome(7));
    assert!(outcome(8).1.contains("no location called \"Moon Base\""), "{:?}", outcome(8));
    assert!(outcome(9).1.starts_with("first_name:"), "{:?}", outcome(9));
    assert_eq!(outcome(10).0, RowOutcome::Repeated);
    assert_eq!(outcome(11), (RowOutcome::Unavailable, AppError::InvitationUnavailable.to_string()));
    assert!(outcome(12).1.contains("Choose a department"), "{:?}", outcome(12));
    for number in [4, 5, 6, 7, 8, 9, 12] {
        assert_eq!(outcome(number).0, RowOutcome::Error, "row {number}");
    }
    assert_eq!(preview.rows.len(), 11, "the empty last row is left out");
    assert_eq!(preview.to_send(), 2);
    assert!(preview.csv.starts_with("\"row\",\"outcome\",\"reason\"\n\"2\",\"Will be invited by email\",\"\"\n"), "{}", preview.csv);
}

#[tokio::test]
async fn a_department_admin_imports_into_their_own_department_and_learns_nothing_about_others() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let paint = app.department("Paint Shop").await;
    app.user("elsewhere@example.com", Role::Employee, Some(paint)).await;
    app.user("mine@example.com", Role::Employee, Some(quality)).await;
    let admin = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    let file = "email,department\nnew@example.com,\nmoved@example.com,Paint Shop\nelsewhere@example.com,\nmine@example.com,\n";

    let preview = preview(&app.state.db, &admin, &app.state.settings, app.clock.now(), &upload(file)).await.unwrap();

    let outcomes: Vec<RowOutcome> = preview.rows.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        // An address taken in another department looks like any other: the dialog tells no more.
        vec![RowOutcome::Email, RowOutcome::OutsideDepartment, RowOutcome::Email, RowOutcome::Unavailable]
    );
    let id = start_file(&app, &admin, file).await;
    drive(&app, id).await;
    let job = progress(&app.state.db, &admin, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((job.counts.sent, job.counts.failed, job.counts.skipped), (1, 1, 2));
    let invited: Vec<Option<i32>> = app::ssr::entities::invitation::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.department_id)
        .collect();
    assert_eq!(invited, vec![Some(quality)], "the row went into the admin's own department");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invite_attempts").await, 2, "the taken address counted, as in the dialog");
}

#[tokio::test]
async fn seventy_five_rows_at_a_limit_of_thirty_go_thirty_now_thirty_an_hour_later_and_fifteen_after() {
    let app = spawn_app().await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let started = app.clock.now();
    let id = start_file(&app, &admin, &emails(75)).await;

    drive(&app, id).await;
    let first = progress(&app.state.db, &admin, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((first.counts.sent, first.counts.waiting), (30, 45));
    assert_eq!(first.state, ImportState::Waiting { at: (started + Duration::hours(1)).into(), count: 30 });

    app.clock.advance(Duration::minutes(59));
    drive(&app, id).await;
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations").await, 30, "nothing goes before the window frees");

    app.clock.advance(Duration::minutes(1));
    drive(&app, id).await;
    let second = progress(&app.state.db, &admin, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((second.counts.sent, second.counts.waiting), (60, 15));
    assert!(matches!(second.state, ImportState::Waiting { count: 15, .. }), "{:?}", second.state);

    app.clock.advance(Duration::hours(1));
    drive(&app, id).await;
    let last = progress(&app.state.db, &admin, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((last.counts.sent, last.counts.waiting, last.state), (75, 0, ImportState::Finished));
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations").await, 75);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM email_outbox").await, 75);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invite_attempts").await, 75);
    let events: Vec<String> = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectType.eq("import"))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(events, vec!["import.started".to_owned(), "import.finished".to_owned()]);
    let (name, csv) = result_csv(&app.state.db, &admin, id, app.clock.now()).await.unwrap();
    assert_eq!(name, "staff-result.csv");
    assert!(csv.contains("\n\"2\",\"person1@example.com\",\"Invited by email\",\"\",\"Pending\"\n"), "{csv}");
    assert!(!csv.contains("invitation/"), "the result never holds a link");
}

#[tokio::test]
async fn an_instance_that_stops_halfway_leaves_nothing_lost_or_repeated() {
    let app = spawn_app().await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = start_file(&app, &admin, &emails(45)).await;
    drive(&app, id).await;
    // An instance claimed the job and died: its lease holds until it runs out.
    let db = &app.state.db;
    let lease_until = app.clock.now() + Duration::hours(1) + Duration::seconds(30);
    import::Entity::update_many()
        .col_expr(import::Column::LeaseOwner, sea_orm::sea_query::Expr::value("dead-instance"))
        .col_expr(import::Column::LeaseUntil, sea_orm::sea_query::Expr::value(lease_until))
        .filter(import::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();

    app.clock.advance(Duration::hours(1));
    assert!(!run_due(db, &app.state.settings, &app.clock, &app.state.outbox, "test-instance").await.unwrap());
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations").await, 30, "a live lease keeps others off");

    app.clock.advance(Duration::seconds(31));
    drive(&app, id).await;

    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations").await, 45);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM import_rows WHERE state = 'sent'").await, 45);
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT invitation_id) AS n FROM import_rows").await, 45);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invite_attempts").await, 45);
}

#[tokio::test]
async fn instances_that_take_the_job_from_each_other_never_send_a_row_twice() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "1000")]).await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = start_file(&app, &admin, &emails(300)).await;
    // Leases run out all the time here, so several instances work on the job at once.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let breaker = {
        let (db, stop, clock) = (app.state.db.clone(), stop.clone(), app.clock.clone());
        tokio::spawn(async move {
            let mut broken = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let held = import::Column::LeaseOwner.is_not_null();
                let broke = import::Entity::update_many()
                    .col_expr(import::Column::LeaseUntil, sea_orm::sea_query::Expr::value(clock.now() - Duration::seconds(1)))
                    .filter(import::Column::Id.eq(id))
                    .filter(held)
                    .exec(&db)
                    .await
                    .expect("the lease can be broken");
                broken += broke.rows_affected;
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
            broken
        })
    };
    let mut instances = Vec::new();
    for n in 0..3 {
        let (db, settings, clock, outbox) = (app.state.db.clone(), app.state.settings.clone(), app.clock.clone(), app.state.outbox.clone());
        instances.push(tokio::spawn(async move {
            let mut rounds = 0;
            for _ in 0..200 {
                match run_due(&db, &settings, &clock, &outbox, &format!("instance-{n}")).await {
                    Ok(ran) => rounds += u32::from(ran),
                    // Another instance, holding the lease this one lost, settled a row this one
                    // was sending: the row guard refuses the second write and the round ends.
                    Err(AppError::Internal) => {}
                    Err(other) => panic!("instance-{n}: {other:?}"),
                }
                let job = import::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
                if job.state == import::State::Finished {
                    break;
                }
            }
            rounds
        }));
    }
    let mut rounds = Vec::new();
    for instance in instances {
        rounds.push(instance.await.unwrap());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let broken = breaker.await.unwrap();
    drive(&app, id).await;

    assert!(broken > 0, "leases were broken while held");
    assert!(rounds.iter().sum::<u32>() > 0, "the instances worked on the job: {rounds:?}");

    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations").await, 300);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM email_outbox").await, 300);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invite_attempts").await, 300);
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT invitation_id) AS n FROM import_rows WHERE state = 'sent'").await, 300);
    let finished = count(&app, "SELECT COUNT(*) AS n FROM audit_events WHERE event_type = 'import.finished'").await;
    assert_eq!(finished, 1);
}

#[tokio::test]
async fn cancel_stops_what_has_not_gone_and_it_stays_stopped() {
    let app = spawn_app().await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = start_file(&app, &admin, &emails(75)).await;
    drive(&app, id).await;

    cancel(&app.state.db, &admin, id, app.clock.now()).await.unwrap();
    app.clock.advance(Duration::hours(2));
    drive(&app, id).await;

    let job = progress(&app.state.db, &admin, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((job.counts.sent, job.counts.cancelled, job.state), (30, 45, ImportState::Cancelled));
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invitations").await, 30);
    let again = cancel(&app.state.db, &admin, id, app.clock.now()).await;
    assert!(matches!(again, Err(AppError::Invalid(_))));
    let cancelled = count(&app, "SELECT COUNT(*) AS n FROM audit_events WHERE event_type = 'import.cancelled'").await;
    assert_eq!(cancelled, 1);
}

#[tokio::test]
async fn rules_are_checked_again_when_each_row_is_sent() {
    let app = spawn_app().await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let plant = app.location("Plant 2").await;
    // The hour is used up, so the import waits and the world changes meanwhile.
    for i in 0..30 {
        app.invite(&admin, &format!("earlier{i}@example.com"), Role::Employee, None).await.unwrap();
    }
    let file = "email,location\nsomeone@example.com,Plant 2\nsnapped@example.com,\n";
    let id = start_file(&app, &admin, file).await;
    drive(&app, id).await;
    set_archived(&app.state.db, &admin, UnitKind::Location, plant, true, app.clock.now()).await.unwrap();
    app.invite(&admin, "snapped@example.com", Role::Employee, None).await.expect_err("the hour is used up");
    app.clock.advance(Duration::hours(1));
    app.invite(&admin, "snapped@example.com", Role::Employee, None).await.unwrap();
    drive(&app, id).await;

    let (_, csv) = result_csv(&app.state.db, &admin, id, app.clock.now()).await.unwrap();
    assert!(csv.contains("\"2\",\"someone@example.com\",\"Failed\",\"location: Choose a location from the list.\","), "{csv}");
    assert!(csv.contains(&format!("\"3\",\"snapped@example.com\",\"Failed\",\"{}\",", AppError::InvitationUnavailable)), "{csv}");
}

#[tokio::test]
async fn the_handout_sheet_makes_codes_that_set_a_worker_up_and_printing_again_kills_them() {
    let app = spawn_app().await;
    // The file's departments.
    app.department("Quality").await;
    app.department("Paint Shop").await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let file = "employee_number,first_name,last_name,department\n40125,Zoë,Young,Quality\n40123,Ana,Brandt,Paint Shop\n40124,Bo,Adams,Quality\n";
    let id = start_file(&app, &admin, file).await;
    drive(&app, id).await;

    let first = print_handouts(&app.state.db, &admin, &app.state.settings, app.clock.now(), id).await.unwrap();

    let order: Vec<(Option<String>, String)> = first.iter().map(|c| (c.department.clone(), c.handout.name.clone())).collect();
    assert_eq!(order, vec![
        (Some("Paint Shop".into()), "Ana Brandt".into()),
        (Some("Quality".into()), "Bo Adams".into()),
        (Some("Quality".into()), "Zoë Young".into()),
    ]);
    let second = print_handouts(&app.state.db, &admin, &app.state.settings, app.clock.now(), id).await.unwrap();
    let old_code = first[0].handout.setup_code.clone();
    assert!(setup(&app, "10.0.0.1", form("40123", &old_code, "482139")).await.is_err(), "printing again kills the old codes");
    setup(&app, "10.0.0.1", form("40123", &second[0].handout.setup_code, "482139")).await.expect("the new code sets the worker up");
    let third = print_handouts(&app.state.db, &admin, &app.state.settings, app.clock.now(), id).await.unwrap();
    assert_eq!(third.len(), 2, "a worker who has set up gets no new code");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM invite_attempts").await, 3 + 3, "three workers sent, and one attempt a sheet");
    let sheets = count(&app, "SELECT COUNT(*) AS n FROM audit_events WHERE event_type = 'import.handout_sheet_issued'").await;
    assert_eq!(sheets, 3);
    let details: Vec<String> = audit_event::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|e| e.details).collect();
    assert!(details.iter().all(|d| !d.contains(&second[0].handout.setup_code)), "no code in the audit log");
}

#[tokio::test]
async fn another_admin_cannot_see_an_import_and_a_team_lead_cannot_import() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let admin = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    let other = app.actor("hr@example.com", Role::HrAdmin, Some(quality)).await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = start_file(&app, &admin, &emails(2)).await;

    let hidden = progress(&app.state.db, &other, &app.state.settings, id, app.clock.now()).await;
    assert!(matches!(hidden, Err(AppError::NotFound(_))));
    assert!(matches!(cancel(&app.state.db, &other, id, app.clock.now()).await, Err(AppError::NotFound(_))));
    let seen = progress(&app.state.db, &corporate, &app.state.settings, id, app.clock.now()).await.unwrap();
    assert_eq!((seen.id, seen.counts.to_send), (id, 2), "the Corporate Admin sees it");

    let lead = app.signed_in_as(Role::TeamLead, Some(quality)).await;
    let part = reqwest::multipart::Part::bytes(emails(1).into_bytes()).file_name("staff.csv");
    let response = lead
        .post(app.url("/api/preview_import"))
        .header("Sec-Fetch-Site", "same-origin")
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let template = lead.get(app.url("/users/import/template.csv")).send().await.unwrap();
    assert_eq!(template.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_server_functions_preview_and_start_an_upload_and_the_files_download() {
    let app = spawn_app().await;
    app.department("Quality").await;
    app.location("Plant 2").await;
    let browser = app.signed_in_as(Role::CorporateAdmin, None).await;
    let send = async |endpoint: &str, bytes: Vec<u8>, digest: Option<&str>| {
        let mut form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("C:\\HR\\staff.csv"));
        if let Some(digest) = digest {
            form = form.text("digest", digest.to_owned());
        }
        browser.post(app.url(&format!("/api/{endpoint}"))).header("Sec-Fetch-Site", "same-origin").multipart(form).send().await.unwrap()
    };

    let previewed = send("preview_import", emails(3).into_bytes(), None).await;
    assert_eq!(previewed.status(), StatusCode::OK);
    let preview: app::imports::dto::ImportPreview = previewed.json().await.unwrap();
    assert_eq!((preview.file_name.as_str(), preview.to_send()), ("staff.csv", 3));

    let changed = send("start_import", emails(4).into_bytes(), Some(&preview.digest)).await;
    assert_eq!(changed.status(), StatusCode::BAD_REQUEST, "a file other than the one previewed is refused");
    let too_big = send("preview_import", vec![b'a'; 5 * 1024 * 1024 + 1], None).await;
    assert_eq!(too_big.status(), StatusCode::BAD_REQUEST);
    assert!(too_big.text().await.unwrap().contains("larger than 5 MB"));
    let not_multipart = app.call(&browser, "preview_import", &[("file", "email\na@example.com")]).await;
    assert_eq!(not_multipart.status(), StatusCode::BAD_REQUEST);

    let started = send("start_import", emails(3).into_bytes(), Some(&preview.digest)).await;
    assert_eq!(started.status(), StatusCode::OK);
    let id: i32 = started.json().await.unwrap();
    let template = browser.get(app.url("/users/import/template.csv")).send().await.unwrap();
    assert_eq!(template.status(), StatusCode::OK);
    assert!(template.headers()[reqwest::header::CONTENT_DISPOSITION].to_str().unwrap().contains("attachment"));
    let text = template.text().await.unwrap();
    assert!(text.starts_with("\u{feff}\"email\",\"first_name\",\"last_name\",\"employee_number\",\"role\",\"department\",\"location\"\n"), "{text}");
    assert!(text.contains("\"Team Lead\",\"Quality\",\"Plant 2\""), "{text}");
    let result = browser.get(app.url(&format!("/users/imports/{id}/result.csv"))).send().await.unwrap();
    assert_eq!(result.status(), StatusCode::OK);
    let stranger = client().get(app.url(&format!("/users/imports/{id}/result.csv"))).send().await.unwrap();
    assert_eq!(stranger.status(), StatusCode::SEE_OTHER, "signed out: to the sign-in page");
}
