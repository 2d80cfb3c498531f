//! Resend, Revoke and the Invitations tab.

use app::dto::PageAt;
use crate::helpers::{eventually, on_postgres, spawn_app};
use app::domain::Role;
use app::error::AppError;
use app::invitations::dto::InvitationStatus;
use app::invitations::service::{invite_options, list_invitations, resend, revoke};
use app::organisation::dto::UnitKind;
use app::organisation::service::set_archived;
use app::ssr::models::invitation as lifecycle;
use app::ssr::{Clock, begin_write};
use app::ssr::entities::{audit_event, invitation, outbox};
use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn resend_gives_a_new_link_and_expiry_and_kills_the_old_one() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app.invite(&corporate, "new@example.com", Role::Employee, None).await.unwrap();
    let before = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    app.clock.advance(Duration::hours(2));

    resend(&app.state.db, &corporate, &app.state.settings, &app.state.outbox, app.clock.now(), id).await.unwrap();

    let after = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_ne!(after.token_hash, before.token_hash, "the old link must stop working");
    assert_eq!(after.expires_at, app.clock.now() + Duration::hours(72));
    let mails = outbox::Entity::find().filter(outbox::Column::InvitationId.eq(id)).count(&app.state.db).await.unwrap();
    assert_eq!(mails, 2);
    let left = app::invitations::service::remaining_this_hour(&app.state.db, corporate.user_id, app.clock.now(), 30).await.unwrap();
    assert_eq!(left, 29, "a resend counts toward the limit");
}

#[tokio::test]
async fn an_expired_invitation_can_be_resent() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app.invite(&corporate, "late@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(Duration::hours(80));

    resend(&app.state.db, &corporate, &app.state.settings, &app.state.outbox, app.clock.now(), id).await.unwrap();

    let page = list_invitations(&app.state.db, &corporate, app.clock.now(), None, PageAt::First).await.unwrap();
    assert_eq!(page.items[0].status, InvitationStatus::Pending);
}

#[tokio::test]
async fn revoke_kills_the_link_and_is_recorded() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app.invite(&corporate, "new@example.com", Role::Employee, None).await.unwrap();

    revoke(&app.state.db, &corporate, app.clock.now(), id).await.unwrap();
    let again = resend(&app.state.db, &corporate, &app.state.settings, &app.state.outbox, app.clock.now(), id).await;

    let inv = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(inv.status.as_str(), "revoked");
    assert!(matches!(again, Err(AppError::Invalid(_))));
    let types: Vec<String> = audit_event::Entity::find().all(&app.state.db).await.unwrap().into_iter().map(|e| e.event_type).collect();
    assert_eq!(types, vec!["invitation.sent", "invitation.revoked"]);
    // A revoked invitation does not block a new one.
    let fresh = app.invite(&corporate, "new@example.com", Role::Employee, None).await.unwrap();
    let fresh = invitation::Entity::find_by_id(fresh).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!((fresh.status.as_str(), fresh.email.as_deref()), ("pending", Some("new@example.com")));
    assert_ne!(fresh.id, id);
}

#[tokio::test]
async fn a_department_admin_cannot_touch_or_see_another_departments_invitations() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let hr = app.department("HR").await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let quality_admin = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    let theirs = app.invite(&corporate, "hr.person@example.com", Role::Employee, Some(hr)).await.unwrap();
    app.invite(&corporate, "qa.person@example.com", Role::Employee, Some(quality)).await.unwrap();

    let revoked = revoke(&app.state.db, &quality_admin, app.clock.now(), theirs).await;
    let resent = resend(&app.state.db, &quality_admin, &app.state.settings, &app.state.outbox, app.clock.now(), theirs).await;
    let visible = list_invitations(&app.state.db, &quality_admin, app.clock.now(), None, PageAt::First).await.unwrap();

    assert!(matches!(revoked, Err(AppError::NotFound(_))));
    assert!(matches!(resent, Err(AppError::NotFound(_))));
    let invitees: Vec<_> = visible.items.iter().map(|i| i.invitee.as_str()).collect();
    assert_eq!(invitees, vec!["qa.person@example.com"]);
}

#[tokio::test]
async fn the_invitations_tab_filters_by_status_and_shows_the_newest_first() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let old = app.invite(&corporate, "old@example.com", Role::Employee, None).await.unwrap();
    app.clock.advance(Duration::hours(73));
    app.invite(&corporate, "new@example.com", Role::TeamLead, None).await.unwrap();
    let gone = app.invite(&corporate, "gone@example.com", Role::Employee, None).await.unwrap();
    revoke(&app.state.db, &corporate, app.clock.now(), gone).await.unwrap();

    let all = list_invitations(&app.state.db, &corporate, app.clock.now(), None, PageAt::First).await.unwrap();
    let pending = list_invitations(&app.state.db, &corporate, app.clock.now(), Some(InvitationStatus::Pending), PageAt::First).await.unwrap();
    let expired = list_invitations(&app.state.db, &corporate, app.clock.now(), Some(InvitationStatus::Expired), PageAt::First).await.unwrap();
    let revoked = list_invitations(&app.state.db, &corporate, app.clock.now(), Some(InvitationStatus::Revoked), PageAt::First).await.unwrap();

    assert_eq!(all.total, 3);
    assert_eq!(all.items.last().unwrap().id, old, "oldest last");
    assert_eq!(pending.items.iter().map(|i| i.invitee.clone()).collect::<Vec<_>>(), vec!["new@example.com"]);
    assert_eq!(expired.items[0].invitee, "old@example.com");
    assert_eq!(revoked.items[0].invitee, "gone@example.com");
    assert_eq!(all.items[0].invited_by, "Person corp@example.com");
    assert!(all.items.iter().all(|i| i.delivery.is_some()));
}

#[tokio::test]
async fn an_invitation_into_an_archived_unit_is_not_resent_and_the_attempt_does_not_count() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let doomed = app.department("Paint Shop").await;
    let id = app.invite(&corporate, "new@example.com", Role::Employee, Some(doomed)).await.unwrap();
    let before = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    set_archived(&app.state.db, &corporate, UnitKind::Department, doomed, true, app.clock.now()).await.unwrap();

    let resent = resend(&app.state.db, &corporate, &app.state.settings, &app.state.outbox, app.clock.now(), id).await;

    assert!(matches!(resent, Err(AppError::Invalid(ref m)) if m.contains("archived")), "{resent:?}");
    let after = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(after.token_hash, before.token_hash, "no new link");
    let mails = outbox::Entity::find().filter(outbox::Column::InvitationId.eq(id)).count(&app.state.db).await.unwrap();
    assert_eq!(mails, 1);
    let left = app::invitations::service::remaining_this_hour(&app.state.db, corporate.user_id, app.clock.now(), 30).await.unwrap();
    assert_eq!(left, 29, "only the first send counted");
}

#[tokio::test]
async fn a_department_admin_whose_department_was_archived_is_offered_no_department() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let own = app.department("Paint Shop").await;
    app.department("Assembly").await;
    let quality = app.actor("quality@example.com", Role::QualityAdmin, Some(own)).await;
    set_archived(&app.state.db, &corporate, UnitKind::Department, own, true, app.clock.now()).await.unwrap();

    let offered = invite_options(&app.state.db, &quality, &app.state.settings, app.clock.now()).await.unwrap();

    assert_eq!((offered.departments.len(), offered.fixed_department), (0, None));
    let elsewhere = app.invite(&quality, "x@example.com", Role::Employee, None).await;
    assert!(elsewhere.unwrap_err().for_field("department").is_some());
}

#[tokio::test]
async fn a_revoke_that_commits_while_a_resend_waits_is_not_undone() {
    let app = spawn_app().await;
    let corporate = app.actor("corp@example.com", Role::CorporateAdmin, None).await;
    let id = app.invite(&corporate, "race@example.com", Role::QualityAdmin, Some(app.department("Quality").await)).await.unwrap();
    // Another admin's Revoke, holding its row lock, not yet committed.
    let other_admin = begin_write(&app.state.db).await.unwrap();
    assert!(lifecycle::revoke(&other_admin, id, app.clock.now()).await.unwrap());

    let resending = {
        let (db, settings, outbox, actor, now) =
            (app.state.db.clone(), app.state.settings.clone(), app.state.outbox.clone(), corporate.clone(), app.clock.now());
        tokio::spawn(async move { resend(&db, &actor, &settings, &outbox, now, id).await })
    };
    if on_postgres() {
        // The race happened: the resend is waiting for the Revoke's row lock.
        eventually("the resend to wait for the Revoke's lock", async || {
            let sql = "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
            let row = app.state.db.query_one_raw(app::ssr::raw::statement(&app.state.db, sql, vec![])).await.unwrap()?;
            Some(()).filter(|()| row.try_get::<i64>("", "n").unwrap() >= 1)
        })
        .await;
    } else {
        // SQLite's writer waits inside the driver, where nothing outside can see it: a bounded
        // wait, after which the resend must still be waiting.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert!(!resending.is_finished(), "the resend waits for the Revoke to commit");
    other_admin.commit().await.unwrap();
    let resent = resending.await.unwrap();

    assert!(matches!(resent, Err(AppError::Invalid(_))), "{resent:?}");
    let stored = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(stored.status.as_str(), "revoked", "the resend brought a revoked invitation back");
    let mails = outbox::Entity::find().filter(outbox::Column::InvitationId.eq(id)).count(&app.state.db).await.unwrap();
    assert_eq!(mails, 1, "no new link was mailed");
}
