//! Lists read by keyset: every row once, in order, from either end; cursors that do not
//! belong to the reader; counts that stop at the cap.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use app::audit::dto::AuditFilter;
use app::audit::service::list_events;
use app::domain::Role;
use app::dto::{COUNT_CAP, PAGE_SIZE, PageAt};
use app::invitations::service::list_invitations;
use app::ssr::raw::statement;
use app::ssr::{Actor, Clock};
use chrono::Duration;
use sea_orm::ConnectionTrait;

async fn page_of(app: &TestApp, actor: &Actor, at: PageAt) -> (Vec<i32>, Option<i32>, Option<i32>) {
    let page = list_invitations(&app.state.db, actor, app.clock.now(), None, at).await.unwrap();
    (page.items.iter().map(|row| row.id).collect(), page.previous, page.next)
}

#[tokio::test]
async fn next_then_previous_walks_every_invitation_once_newest_first_with_ties_broken_by_id() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "1000")]).await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    let mut sent = Vec::new();
    for n in 0..60 {
        // Groups of four share a moment, so the order inside each group is the id's.
        if n % 4 == 0 {
            app.clock.advance(Duration::seconds(1));
        }
        sent.push(app.invite(&admin, &format!("p{n}@example.com"), Role::Employee, None).await.unwrap());
    }
    let newest_first: Vec<i32> = sent.iter().rev().copied().collect();

    let mut forward: Vec<i32> = Vec::new();
    let mut pages = Vec::new();
    let mut at = PageAt::First;
    loop {
        let (ids, _, next) = page_of(&app, &admin, at).await;
        forward.extend(&ids);
        pages.push(ids);
        match next {
            Some(id) => at = PageAt::After(id),
            None => break,
        }
    }
    let mut backward = Vec::new();
    let (last, mut previous, _) = page_of(&app, &admin, at).await;
    backward.push(last);
    while let Some(id) = previous {
        let (ids, before, _) = page_of(&app, &admin, PageAt::Before(id)).await;
        backward.push(ids);
        previous = before;
    }
    backward.reverse();

    assert_eq!(forward, newest_first);
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), vec![25, 25, 10]);
    assert_eq!(backward, pages, "reading back from the last page gives the same pages");
}

#[tokio::test]
async fn a_cursor_the_reader_may_not_see_gives_the_first_page() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "1000")]).await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    let corporate = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    let quality_admin = app.actor("q.admin@example.com", Role::QualityAdmin, Some(quality)).await;
    let mut mine = Vec::new();
    for n in 0..30 {
        app.clock.advance(Duration::seconds(1));
        mine.push(app.invite(&corporate, &format!("q{n}@example.com"), Role::Employee, Some(quality)).await.unwrap());
    }
    let theirs = app.invite(&corporate, "hr@example.com", Role::Employee, Some(hr)).await.unwrap();

    let first = page_of(&app, &quality_admin, PageAt::First).await;
    let probed_after = page_of(&app, &quality_admin, PageAt::After(theirs)).await;
    let probed_before = page_of(&app, &quality_admin, PageAt::Before(theirs)).await;
    let missing = page_of(&app, &quality_admin, PageAt::After(i32::MAX)).await;

    assert_eq!(first.0.len(), PAGE_SIZE as usize);
    assert_eq!(first.0[0], *mine.last().unwrap());
    assert_eq!(probed_after, first);
    assert_eq!(probed_before, first);
    assert_eq!(missing, first);
}

#[tokio::test]
async fn counts_stop_one_past_the_cap_and_say_more_than() {
    let app = spawn_app().await;
    let admin = app.actor("erin@example.com", Role::CorporateAdmin, None).await;
    let db = &app.state.db;
    let sql = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
         INSERT INTO audit_events (occurred_at, event_type, subject_type, details) \
         SELECT $1, 'invitation.sent', 'invitation', '{{}}' FROM n",
        COUNT_CAP + 50
    );
    db.execute_raw(statement(db, &sql, vec![app.clock.now().into()])).await.unwrap();

    let page = list_events(db, &admin, &AuditFilter::default(), PageAt::First).await.unwrap();

    assert_eq!(page.total, COUNT_CAP + 1);
    assert_eq!(page.total_text(), "more than 1,000");
    assert_eq!(page.items.len(), PAGE_SIZE as usize);
    assert!(page.next.is_some());
}

/// The lists the server reads (`fetch_page`'s "list page read" event), in order. A
/// `#[tokio::test]` runs the server's tasks on the test's own thread, so a subscriber set for
/// this thread sees every page the server draws.
#[derive(Clone, Default)]
struct ListReads(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ListReads {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct List(Option<String>);
        impl tracing::field::Visit for List {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "list" {
                    self.0 = Some(value.to_owned());
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut list = List(None);
        event.record(&mut list);
        if let Some(list) = list.0 {
            self.0.lock().unwrap().push(list);
        }
    }
}

#[tokio::test]
async fn a_list_page_drawn_by_the_server_reads_its_rows_once() {
    use tracing_subscriber::layer::SubscriberExt;
    let reads = ListReads::default();
    let _on_this_thread = tracing::subscriber::set_default(tracing_subscriber::registry().with(reads.clone()));
    let app = spawn_app().await;
    let client = app.signed_in_as(Role::CorporateAdmin, None).await;

    for (path, list) in [("/users", "users"), ("/users/invitations", "invitations"), ("/audit-log", "audit_events")] {
        reads.0.lock().unwrap().clear();
        let page = app.page(&client, path).await;
        assert_eq!(page.status(), reqwest::StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains("</html>"), "{path} was drawn to its end");
        assert_eq!(*reads.0.lock().unwrap(), vec![list.to_owned()], "{path} read its list once");
    }
}

#[tokio::test]
async fn search_words_with_quotes_and_backslashes_find_people_and_never_change_the_sql() {
    use crate::helpers::{fresh_database, on_postgres, postgres_base};
    use app::users::dto::UserFilter;
    use sea_orm::ConnectionTrait;
    // On PostgreSQL the database treats backslashes as escapes, as a database or role can be
    // set to: the server must not depend on the default.
    let data_dir = tempfile::tempdir().unwrap();
    let (url, name) = fresh_database(data_dir.path()).await;
    if on_postgres() {
        let admin = sea_orm::Database::connect(format!("{}/postgres", postgres_base())).await.unwrap();
        admin.execute_unprepared(&format!("ALTER DATABASE {name} SET standard_conforming_strings = off")).await.unwrap();
        admin.close().await.unwrap();
    }
    let app = crate::helpers::spawn_app_with(&[("DATABASE_URL", &url)]).await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let quoted = app.user("o'neill@example.com", Role::Employee, None).await;
    let found = async |q: &str| {
        let filter = UserFilter { q: q.into(), ..Default::default() };
        let page = app::users::service::list_users(&app.state.db, &boss, app.clock.now(), &filter, app::dto::PageAt::First).await;
        page.map(|p| p.items.iter().map(|u| u.id).collect::<Vec<_>>())
    };

    assert_eq!(found("o'neill").await, Ok(vec![quoted]));
    for hostile in ["\\", "o'neill\\", "\\' OR 1=1 --", "x\\'||'"] {
        assert_eq!(found(hostile).await, Ok(Vec::new()), "{hostile:?}");
    }
}
