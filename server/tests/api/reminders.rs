//! `INVITE_REMINDER`: one reminder, through the outbox, that long before a pending email
//! invitation expires, with its current link; never after accept, revoke or a resend's
//! replacement, and never twice.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use app::domain::Role;
use app::dto::PageAt;
use app::invitations::service::{list_invitations, resend, revoke};
use app::ssr::Clock;
use chrono::Duration;
use reqwest::StatusCode;
use app::ssr::entities::{invitation, outbox};
use app::ssr::tokens::hash_token;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The captured messages once the outbox has sent everything due at the test clock's time.
async fn mail_once_due_has_gone(app: &TestApp) -> Vec<String> {
    app.outbox_caught_up().await;
    let dir = app.data_dir.path().join("mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect())
        .unwrap_or_default();
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

/// The token of the invitation link in `mail`.
fn link_in(mail: &str) -> String {
    let after = mail.split("/invitation/").nth(1).expect("the mail has a link");
    after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// The hash of the token invitation to `email` holds now.
async fn current_hash(app: &TestApp, email: &str) -> String {
    let found = invitation::Entity::find().filter(invitation::Column::Email.eq(email)).one(&app.state.db).await.unwrap();
    found.expect("the invitation").token_hash
}

fn reminders(mail: &[String]) -> Vec<&String> {
    mail.iter().filter(|m| m.contains("\nSubject: Reminder: ")).collect()
}

#[tokio::test]
async fn a_reminder_goes_once_at_its_time_with_the_current_link_and_not_after_accept_or_revoke() {
    let app = spawn_app_with(&[("INVITE_REMINDER", "24h"), ("INVITE_TTL", "72h")]).await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let waiting = app.invite_for_token(&admin, "waiting@example.com", Role::Employee, None).await;
    let accepted = app.invite_for_token(&admin, "accepted@example.com", Role::Employee, None).await;
    let revoked = app.invite(&admin, "revoked@example.com", Role::Employee, None).await.unwrap();
    let resent = app.invite(&admin, "resent@example.com", Role::Employee, None).await.unwrap();
    app.captured_mail(4).await;
    revoke(&app.state.db, &admin, app.clock.now(), revoked).await.unwrap();
    let browser = app.follow_link(&accepted).await;
    assert_eq!(app.accept(&browser, &[]).await.status(), StatusCode::OK);
    // A resend a day later: its new link, and a reminder 24 hours before its new expiry.
    app.clock.advance(Duration::hours(24));
    resend(&app.state.db, &admin, &app.state.settings, &app.state.outbox, app.clock.now(), resent).await.unwrap();
    app.captured_mail(5).await;
    let resent_token = app.token_for("resent@example.com").await;

    app.clock.advance(Duration::hours(23) + Duration::minutes(59));
    assert!(reminders(&mail_once_due_has_gone(&app).await).is_empty(), "nothing before its time");

    app.clock.advance(Duration::minutes(2));
    let mail = mail_once_due_has_gone(&app).await;
    let sent = reminders(&mail);
    assert_eq!(sent.len(), 1, "only the invitation still waiting is reminded");
    assert!(sent[0].starts_with("To: waiting@example.com\n"));
    let reminded = link_in(sent[0]);
    assert_ne!(reminded, waiting, "the reminder carries a new link");
    assert_eq!(current_hash(&app, "waiting@example.com").await, hash_token(&reminded), "and it is the one that works now");

    app.clock.advance(Duration::hours(24));
    let mail = mail_once_due_has_gone(&app).await;
    let sent = reminders(&mail);
    assert_eq!(sent.len(), 2, "the resent invitation's reminder follows its new expiry, and none goes twice");
    let resent_reminder = sent.iter().find(|m| m.starts_with("To: resent@example.com\n")).expect("the resent invitation is reminded");
    assert_ne!(link_in(resent_reminder), resent_token);
    assert_eq!(current_hash(&app, "resent@example.com").await, hash_token(&link_in(resent_reminder)));

    let page = list_invitations(&app.state.db, &admin, app.clock.now(), None, PageAt::First).await.unwrap();
    let reminded: Vec<(&str, bool)> = page.items.iter().map(|i| (i.invitee.as_str(), i.reminded)).collect();
    assert!(reminded.contains(&("waiting@example.com", true)));
    assert!(reminded.contains(&("accepted@example.com", false)));
    assert!(reminded.contains(&("revoked@example.com", false)));
}

#[tokio::test]
async fn without_the_setting_no_reminder_is_queued() {
    let app = spawn_app().await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.invite(&admin, "someone@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(Duration::hours(71));
    assert_eq!(mail_once_due_has_gone(&app).await.len(), 1);
}

#[tokio::test]
async fn a_reminder_that_could_only_go_after_its_invitation_ran_out_is_not_sent() {
    let app = spawn_app_with(&[("INVITE_REMINDER", "24h"), ("INVITE_TTL", "72h")]).await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    app.invite(&admin, "late@example.com", Role::Employee, None).await.unwrap();
    app.captured_mail(1).await;

    // The outbox was stopped (say) from before the reminder's time until after expiry.
    app.clock.advance(Duration::hours(73));

    let mail = mail_once_due_has_gone(&app).await;
    assert!(reminders(&mail).is_empty(), "no reminder carries a dead link");
    let cancelled = app::ssr::entities::outbox::Entity::find()
        .filter(app::ssr::entities::outbox::Column::Reminder.eq(true))
        .filter(app::ssr::entities::outbox::Column::Status.eq(app::ssr::entities::outbox::Status::Cancelled))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(cancelled.len(), 1);
}

#[tokio::test]
async fn with_reminders_on_no_outbox_row_holds_a_working_link_once_the_first_mail_is_sent() {
    let app = spawn_app_with(&[("INVITE_REMINDER", "24h"), ("INVITE_TTL", "72h")]).await;
    let admin = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let first = app.invite_for_token(&admin, "waiting@example.com", Role::Employee, None).await;

    let waiting = outbox::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(waiting.len(), 2, "the first mail and its reminder");
    for row in &waiting {
        assert!(!row.content.contains(&first), "outbox row {} holds the working link: {}", row.id, row.content);
        let links: Vec<&str> = row.content.split("/invitation/").skip(1).collect();
        assert!(links.iter().all(|l| l.starts_with('"')), "no link with a token waits in the outbox: {}", row.content);
    }

    app.clock.advance(Duration::hours(48) + Duration::minutes(1));
    let mail = mail_once_due_has_gone(&app).await;
    let sent = reminders(&mail);
    assert_eq!(sent.len(), 1);
    let reminded = link_in(sent[0]);
    let old = app.follow_link(&first).await;
    assert_eq!(app.accept(&old, &[]).await.status(), StatusCode::GONE, "the first link died when the reminder went");
    let new = app.follow_link(&reminded).await;
    assert_eq!(app.accept(&new, &[]).await.status(), StatusCode::OK, "the reminder's link works");
    let kept = outbox::Entity::find().all(&app.state.db).await.unwrap();
    assert!(kept.iter().all(|row| !row.content.contains(&reminded)), "nor does the sent reminder keep its link");
}
