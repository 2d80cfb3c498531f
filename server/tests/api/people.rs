//! A person after they join: the policy for every action, the person page's rules, concurrent
//! edits, authority following the role, deactivation, and the Users list's search.

use crate::helpers::{PASSWORD, TestApp, client, spawn_app, spawn_app_with};
use app::domain::Role;
use app::dto::PageAt;
use app::error::AppError;
use app::people::service::{AssignmentChange, change_assignment, deactivate, person_details, reactivate};
use app::policy::Action;
use app::ssr::entities::{audit_event, invitation, session, user};
use app::ssr::{Actor, Clock};
use app::users::dto::UserFilter;
use app::users::service::list_users;
use reqwest::StatusCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// An active person stored directly (no password hashing: these tests are about what admins
/// do to people, not about signing in).
pub async fn person(app: &TestApp, email: &str, role: Role, department_id: Option<i32>) -> user::Model {
    let now = app.clock.now();
    let row = user::ActiveModel {
        email: Set(Some(email.into())),
        email_canonical: Set(Some(email.to_lowercase())),
        name: Set(format!("Person {email}")),
        role: Set(role),
        department_id: Set(department_id),
        status: Set(user::Status::Active),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    user::Entity::insert(row).exec_with_returning(&app.state.db).await.unwrap()
}

fn actor_of(person: &user::Model) -> Actor {
    Actor {
        user_id: person.id,
        name: person.name.clone(),
        email: person.email.clone(),
        role: person.role,
        department_id: person.department_id,
    }
}

async fn events(app: &TestApp) -> u64 {
    audit_event::Entity::find().count(&app.state.db).await.unwrap()
}

fn change(person: &user::Model, role: Role, department_id: Option<i32>) -> AssignmentChange {
    AssignmentChange { person_id: person.id, version: person.version, role: role.as_str().into(), department_id, location_id: person.location_id }
}

/// What each acting role may do, written out by hand from the rules the README states (not read
/// from `policy.rs`, which is what this checks): for a target holding `target` role, the
/// departments (the actor's own, another, none) in which an action on an invitation (invite,
/// resend, revoke) and an action on an account are allowed.
const EXPECTED: [(Role, Role, [bool; 3], [bool; 3]); 10] = [
    // acting role          target role       invitations           accounts
    (Role::CorporateAdmin, Role::Employee, [true, true, true], [true, true, true]),
    (Role::CorporateAdmin, Role::HrAdmin, [true, true, true], [true, true, true]),
    (Role::QualityAdmin, Role::Employee, [true, false, false], [true, false, false]),
    // A department admin invites another admin into their own department, but only the
    // Corporate Admin acts on an admin's account.
    (Role::QualityAdmin, Role::HrAdmin, [true, false, false], [false, false, false]),
    (Role::HrAdmin, Role::Employee, [true, false, false], [true, false, false]),
    (Role::HrAdmin, Role::HrAdmin, [true, false, false], [false, false, false]),
    (Role::TeamLead, Role::Employee, [false, false, false], [false, false, false]),
    (Role::TeamLead, Role::HrAdmin, [false, false, false], [false, false, false]),
    (Role::Employee, Role::Employee, [false, false, false], [false, false, false]),
    (Role::Employee, Role::HrAdmin, [false, false, false], [false, false, false]),
];

/// Everything stored about one case's target: compared whole before and after a refusal.
#[derive(Debug, PartialEq)]
struct Stored {
    person: Option<user::Model>,
    invitations: Vec<invitation::Model>,
    audit: Vec<audit_event::Model>,
}

/// What is stored under `email`, and the events `actor` has caused (background work, like the
/// outbox's, records events of its own meanwhile).
async fn stored(app: &TestApp, email: &str, actor: i32) -> Stored {
    let db = &app.state.db;
    Stored {
        person: user::Entity::find().filter(user::Column::Email.eq(email)).one(db).await.unwrap(),
        invitations: invitation::Entity::find().filter(invitation::Column::Email.eq(email)).all(db).await.unwrap(),
        audit: audit_event::Entity::find().filter(audit_event::Column::ActorUserId.eq(actor)).all(db).await.unwrap(),
    }
}

/// Sets up a fresh target for `action` (as the Corporate Admin `boss`): a person or an
/// invitation with `role` in `department`. Answers the address everything about it is stored
/// under and the request that takes the action over HTTP.
async fn case(app: &TestApp, boss: &Actor, action: Action, role: Role, department: Option<i32>, n: usize) -> (String, &'static str, Vec<(&'static str, String)>) {
    let email = format!("target.{n}@example.com");
    let department_field = department.map(|d| d.to_string()).unwrap_or_default();
    if action == Action::Invite {
        let form = vec![("email", email.clone()), ("role", role.as_str().to_owned()), ("department", department_field)];
        return (email, "send_invitation", form);
    }
    if matches!(action, Action::Resend | Action::Revoke) {
        let id = app.invite(boss, &email, role, department).await.unwrap().to_string();
        let endpoint = if action == Action::Resend { "resend_invitation" } else { "revoke_invitation" };
        return (email, endpoint, vec![("id", id)]);
    }
    let target = person(app, &email, role, department).await;
    let id = target.id.to_string();
    let act = |name: &str| vec![("id", id.clone()), ("action", name.to_owned())];
    let form = match action {
        Action::ChangeAssignment => {
            vec![("id", id.clone()), ("version", "0".into()), ("role", "team_lead".into()), ("department", department_field)]
        }
        Action::Deactivate => act("deactivate"),
        Action::Reactivate => {
            deactivate(&app.state.db, boss, app.clock.now(), target.id).await.unwrap();
            act("reactivate")
        }
        Action::ResetAccess => act("send_password_reset"),
        Action::Unlock => act("unlock"),
        Action::Invite | Action::Resend | Action::Revoke => unreachable!("answered above"),
    };
    let endpoint = if action == Action::ChangeAssignment { "change_assignment" } else { "person_action" };
    (email, endpoint, form)
}

#[tokio::test]
async fn every_acting_role_on_every_target_for_every_action_over_http_does_exactly_what_the_rules_say() {
    let app = spawn_app_with(&[("INVITE_RATE_LIMIT", "1000")]).await;
    let (own, other) = (app.department("Quality").await, app.department("Paint shop").await);
    let boss = actor_of(&person(&app, "boss@example.com", Role::CorporateAdmin, None).await);
    let mut n = 0;
    for (row, (acting, target_role, invitations, accounts)) in EXPECTED.into_iter().enumerate() {
        let actor_email = format!("actor.{row}@example.com");
        let actor_department = if acting == Role::CorporateAdmin { None } else { Some(own) };
        let actor_id = app.user(&actor_email, acting, actor_department).await;
        let browser = client();
        app.sign_in(&browser, &actor_email).await;
        // An admin role needs a department, so an admin target is never in none.
        let departments = if target_role.is_admin() { &[Some(own), Some(other)][..] } else { &[Some(own), Some(other), None][..] };
        for action in Action::ALL {
            let expected = if action.on_account() { accounts } else { invitations };
            for (&department, allowed) in departments.iter().zip(expected) {
                n += 1;
                let (email, endpoint, form) = case(&app, &boss, action, target_role, department, n).await;
                let before = stored(&app, &email, actor_id).await;
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let response = app.call(&browser, endpoint, &form).await;
                let status = response.status();
                let answer = response.text().await.unwrap();
                let what = format!("{acting:?} {action:?} on a {target_role:?} in {department:?}: {status} {answer}");
                let after = stored(&app, &email, actor_id).await;
                if allowed {
                    assert_eq!(status, StatusCode::OK, "allowed: {what}");
                    assert!(after.audit.len() > before.audit.len(), "an allowed action is audited as the actor's: {what}");
                } else {
                    assert!(status.is_client_error(), "refused: {what}");
                    assert_eq!(after, before, "a refusal changes nothing stored: {what}");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_department_admin_gets_404_for_another_departments_person_over_http_and_nothing_changes() {
    let app = spawn_app().await;
    let (own, other) = (app.department("Quality").await, app.department("Paint shop").await);
    let browser = app.signed_in_as(Role::QualityAdmin, Some(own)).await;
    let outsider = person(&app, "outsider@example.com", Role::Employee, Some(other)).await;
    let before = events(&app).await;
    let id = outsider.id.to_string();
    for (endpoint, form) in [
        ("person_details", vec![("id", id.as_str())]),
        ("change_assignment", vec![("id", id.as_str()), ("version", "0"), ("role", "team_lead"), ("department", "")]),
        ("person_action", vec![("id", id.as_str()), ("action", "deactivate")]),
        ("person_action", vec![("id", id.as_str()), ("action", "reactivate")]),
        ("person_action", vec![("id", id.as_str()), ("action", "send_password_reset")]),
        ("person_action", vec![("id", id.as_str()), ("action", "reset_pin")]),
        ("person_action", vec![("id", id.as_str()), ("action", "unlock")]),
    ] {
        let response = app.call(&browser, endpoint, &form).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{endpoint} {form:?}");
    }
    let page = app.page(&browser, &format!("/users/{}", outsider.id)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("That person was not found."));
    let after = user::Entity::find_by_id(outsider.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(after, outsider);
    assert_eq!(events(&app).await, before);
}

#[tokio::test]
async fn of_two_admins_saving_the_same_person_at_once_one_wins_and_the_other_is_told_to_reload() {
    let app = spawn_app().await;
    let (quality, paint) = (app.department("Quality").await, app.department("Paint shop").await);
    let boss = actor_of(&person(&app, "boss@example.com", Role::CorporateAdmin, None).await);
    let other_boss = actor_of(&person(&app, "boss2@example.com", Role::CorporateAdmin, None).await);
    let worker = person(&app, "worker@example.com", Role::Employee, Some(quality)).await;
    let db = &app.state.db;
    let now = app.clock.now();
    let (a, b) = tokio::join!(
        change_assignment(db, &boss, now, change(&worker, Role::TeamLead, Some(quality))),
        change_assignment(db, &other_boss, now, change(&worker, Role::Employee, Some(paint))),
    );
    let outcomes = [a.clone(), b.clone()];
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.contains(&Err(AppError::Stale)), "{outcomes:?}");
    assert_eq!(AppError::Stale.to_string(), "This person was changed by someone else; reload to see the change.");
    let saved = user::Entity::find_by_id(worker.id).one(db).await.unwrap().unwrap();
    assert_eq!(saved.version, 1);
    if a.is_ok() {
        assert_eq!((saved.role.as_str(), saved.department_id), ("team_lead", Some(quality)));
    } else {
        assert_eq!((saved.role.as_str(), saved.department_id), ("employee", Some(paint)));
    }
}

#[tokio::test]
async fn demoting_a_department_admin_revokes_exactly_their_pending_invitations_into_that_department() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let boss = actor_of(&person(&app, "boss@example.com", Role::CorporateAdmin, None).await);
    let admin = person(&app, "qa@example.com", Role::QualityAdmin, Some(quality)).await;
    let theirs = [
        app.invite(&actor_of(&admin), "one@example.com", Role::Employee, Some(quality)).await.unwrap(),
        app.invite(&actor_of(&admin), "two@example.com", Role::TeamLead, Some(quality)).await.unwrap(),
    ];
    let bosses = app.invite(&boss, "three@example.com", Role::Employee, Some(quality)).await.unwrap();
    let now = app.clock.now();

    change_assignment(&app.state.db, &boss, now, change(&admin, Role::Employee, Some(quality))).await.unwrap();

    let status = async |id: i32| invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap().status;
    for id in theirs {
        assert_eq!(status(id).await, invitation::Status::Revoked);
    }
    assert_eq!(status(bosses).await, invitation::Status::Pending);
    let why = audit_event::Entity::find()
        .filter(audit_event::Column::EventType.eq("invitation.revoked_lost_authority"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(why.len(), 2);
    assert!(why.iter().all(|e| e.details.contains("The inviter's role changed")));
    let changed = audit_event::Entity::find().filter(audit_event::Column::EventType.eq("user.role_changed")).one(&app.state.db).await.unwrap().unwrap();
    assert!(changed.details.contains("\"from\":\"Quality Admin\"") && changed.details.contains("\"to\":\"Employee\""));
}

#[tokio::test]
async fn moving_a_department_admin_elsewhere_takes_their_rights_at_the_next_request() {
    let app = spawn_app().await;
    let (quality, paint) = (app.department("Quality").await, app.department("Paint shop").await);
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let browser = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;
    let colleague = person(&app, "colleague@example.com", Role::Employee, Some(quality)).await;
    let admin = user::Entity::find().filter(user::Column::Role.eq("quality_admin")).one(&app.state.db).await.unwrap().unwrap();
    let id = colleague.id.to_string();
    assert_eq!(app.call(&browser, "person_details", &[("id", &id)]).await.status(), StatusCode::OK);

    change_assignment(&app.state.db, &boss, app.clock.now(), change(&admin, Role::QualityAdmin, Some(paint))).await.unwrap();

    assert_eq!(app.call(&browser, "person_details", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn nobody_changes_their_own_role_and_two_corporate_admins_cannot_switch_each_other_off_at_once() {
    let app = spawn_app().await;
    let boss = person(&app, "boss@example.com", Role::CorporateAdmin, None).await;
    let me = actor_of(&boss);
    let now = app.clock.now();
    let own = change_assignment(&app.state.db, &me, now, change(&boss, Role::Employee, None)).await.unwrap_err();
    assert!(own.for_field("role").is_some_and(|m| m.contains("your own role")));
    assert!(matches!(deactivate(&app.state.db, &me, now, boss.id).await, Err(AppError::Invalid(m)) if m.contains("your own")));

    let second = person(&app, "second@example.com", Role::CorporateAdmin, None).await;
    let other = actor_of(&second);
    let (a, b) = tokio::join!(
        deactivate(&app.state.db, &me, now, second.id),
        deactivate(&app.state.db, &other, now, boss.id),
    );
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.iter().any(|o| matches!(o, Err(AppError::Invalid(m)) if m.contains("last active Corporate Admin"))), "{outcomes:?}");
    let active = user::Entity::find()
        .filter(user::Column::Role.eq("corporate_admin"))
        .filter(user::Column::Status.eq(user::Status::Active))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(active, 1);
}

#[tokio::test]
async fn deactivation_signs_the_person_out_at_once_and_refuses_sign_in_like_a_wrong_password_until_reactivated() {
    let app = spawn_app().await;
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let worker = app.user("worker@example.com", Role::Employee, None).await;
    let browser = client();
    app.sign_in(&browser, "worker@example.com").await;
    assert_eq!(app.page(&browser, "/profile").await.status(), StatusCode::OK);

    deactivate(&app.state.db, &boss, app.clock.now(), worker).await.unwrap();

    assert_eq!(app.page(&browser, "/profile").await.status(), StatusCode::FOUND);
    assert_eq!(session::Entity::find().filter(session::Column::UserId.eq(worker)).count(&app.state.db).await.unwrap(), 0);
    let refused = app.call(&client(), "sign_in", &[("email", "worker@example.com"), ("password", PASSWORD)]).await;
    let wrong = app.call(&client(), "sign_in", &[("email", "nobody@example.com"), ("password", PASSWORD)]).await;
    assert_eq!(refused.status(), wrong.status());
    assert_eq!(refused.text().await.unwrap(), wrong.text().await.unwrap());
    let hidden = list_users(&app.state.db, &boss, app.clock.now(), &UserFilter::default(), PageAt::First).await.unwrap();
    assert!(hidden.items.iter().all(|u| u.id != worker));
    let off = UserFilter { status: "deactivated".into(), ..Default::default() };
    let shown = list_users(&app.state.db, &boss, app.clock.now(), &off, PageAt::First).await.unwrap();
    assert_eq!(shown.items.iter().map(|u| u.id).collect::<Vec<_>>(), vec![worker]);

    reactivate(&app.state.db, &boss, app.clock.now(), worker).await.unwrap();
    app.sign_in(&client(), "worker@example.com").await;
    let details = person_details(&app.state.db, &boss, app.clock.now(), worker).await.unwrap();
    let labels: Vec<_> = details.recent_events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(labels, vec!["Reactivated", "Deactivated"]);
    assert!(details.last_sign_in.is_some());
}

#[tokio::test]
async fn users_are_found_by_any_name_word_without_accents_by_email_and_by_number_combined_with_filters() {
    let app = spawn_app().await;
    let (quality, paint) = (app.department("Quality").await, app.department("Paint shop").await);
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let scoped = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    for (email, name, role, department) in [
        ("jose@example.com", "José Müller", Role::Employee, Some(quality)),
        ("ana@example.com", "Ana María López", Role::TeamLead, Some(paint)),
        ("zoe@example.com", "Zoë Muller-Smith", Role::TeamLead, Some(quality)),
    ] {
        let row = person(&app, email, role, department).await;
        let mut renamed: user::ActiveModel = row.into();
        renamed.name = Set(name.into());
        let saved = sea_orm::ActiveModelTrait::update(renamed, &app.state.db).await.unwrap();
        app::ssr::models::search_terms::index(&app.state.db, &saved).await.unwrap();
    }
    let names = async |actor: &Actor, filter: UserFilter| -> Vec<String> {
        let page = list_users(&app.state.db, actor, app.clock.now(), &filter, PageAt::First).await.unwrap();
        page.items.into_iter().map(|u| u.name).collect()
    };
    let q = |q: &str| UserFilter { q: q.into(), ..Default::default() };
    assert_eq!(names(&boss, q("MULLER")).await, vec!["José Müller", "Zoë Muller-Smith"]);
    assert_eq!(names(&boss, q("lopez an")).await, vec!["Ana María López"]);
    assert_eq!(names(&boss, q("smith")).await, vec!["Zoë Muller-Smith"]);
    assert_eq!(names(&boss, q("ana@exa")).await, vec!["Ana María López"]);
    assert_eq!(names(&boss, q("nobody")).await, Vec::<String>::new());
    let leads = UserFilter { role: "team_lead".into(), ..q("mu") };
    assert_eq!(names(&boss, leads).await, vec!["Zoë Muller-Smith"]);
    let in_paint = UserFilter { department: paint.to_string(), ..Default::default() };
    assert_eq!(names(&boss, in_paint.clone()).await, vec!["Ana María López"]);
    // A department admin's results stay in their department, whatever the filter asks.
    assert_eq!(names(&scoped, in_paint).await, Vec::<String>::new());
    assert_eq!(names(&scoped, q("ana")).await, Vec::<String>::new());
    let bad = list_users(&app.state.db, &boss, app.clock.now(), &UserFilter { role: "owner".into(), ..Default::default() }, PageAt::First).await;
    assert!(bad.unwrap_err().for_field("role").is_some());
}

#[tokio::test]
async fn a_search_pages_through_many_matches_once_each_and_follows_every_change_to_a_person() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (quality, paint, hall) = (app.department("Quality").await, app.department("Paint shop").await, app.location("Hall 2").await);
    let boss = app.actor("boss@example.com", Role::CorporateAdmin, None).await;
    let scoped = app.actor("qa@example.com", Role::QualityAdmin, Some(quality)).await;
    // Both names of each begin with "mar": each person is still listed once.
    let mut ids = Vec::new();
    for i in 0..30 {
        let row = person(&app, &format!("m{i:02}@example.com"), Role::Employee, Some(quality)).await;
        let mut renamed: user::ActiveModel = row.into();
        renamed.name = Set(format!("María Martínez {i:02}"));
        let saved = sea_orm::ActiveModelTrait::update(renamed, db).await.unwrap();
        app::ssr::models::search_terms::index(db, &saved).await.unwrap();
        ids.push(saved.id);
    }
    let list = async |actor: &Actor, filter: &UserFilter, at: PageAt| list_users(db, actor, app.clock.now(), filter, at).await.unwrap();
    let ids_of = |page: &app::dto::Page<app::users::dto::UserRow>| page.items.iter().map(|u| u.id).collect::<Vec<_>>();
    // "mar" begins two terms of each person, so its range is read whole and sorted; "martínez"
    // begins one, whose people are walked in name order along the key. Both list the same.
    let mar = UserFilter { q: "MAR".into(), ..Default::default() };
    let martinez = UserFilter { q: "Martínez".into(), ..Default::default() };
    let searches = [&mar, &martinez];

    for search in searches {
        let first = list(&boss, search, PageAt::First).await;
        assert_eq!((first.total, first.items.len(), first.previous), (30, 25, None), "{search:?}");
        let second = list(&boss, search, PageAt::After(first.next.unwrap())).await;
        assert_eq!((second.total, second.next), (30, None), "a later page counts apart, to the same number: {search:?}");
        assert_eq!([ids_of(&first), ids_of(&second)].concat(), ids, "in name order, no one twice, no one missed: {search:?}");
        let back = list(&boss, search, PageAt::Before(second.previous.unwrap())).await;
        assert_eq!(ids_of(&back), ids_of(&first), "{search:?}");
    }
    let two_words = UserFilter { q: "martinez 07".into(), ..Default::default() };
    assert_eq!(ids_of(&list(&boss, &two_words, PageAt::First).await), vec![ids[7]]);

    // Each change, made through the service an admin uses, reaches the search at once.
    let moved = user::Entity::find_by_id(ids[0]).one(db).await.unwrap().unwrap();
    let to_paint = AssignmentChange { location_id: Some(hall), ..change(&moved, Role::TeamLead, Some(paint)) };
    change_assignment(db, &boss, app.clock.now(), to_paint).await.unwrap();
    for search in searches {
        for filter in [
            UserFilter { department: paint.to_string(), ..search.clone() },
            UserFilter { role: "team_lead".into(), ..search.clone() },
            UserFilter { location: hall.to_string(), ..search.clone() },
        ] {
            assert_eq!(ids_of(&list(&boss, &filter, PageAt::First).await), vec![moved.id], "{filter:?}");
        }
        let theirs = list(&scoped, search, PageAt::First).await;
        assert_eq!(theirs.total, 29, "the Quality Admin no longer finds who left their department: {search:?}");
        assert!(!ids_of(&theirs).contains(&moved.id));
    }
    assert_eq!(list(&scoped, &UserFilter { q: "martinez 00".into(), ..Default::default() }, PageAt::First).await.total, 0);

    deactivate(db, &boss, app.clock.now(), ids[1]).await.unwrap();
    for search in searches {
        assert_eq!(list(&boss, search, PageAt::First).await.total, 29, "{search:?}");
        let off = UserFilter { status: "deactivated".into(), ..search.clone() };
        assert_eq!(ids_of(&list(&boss, &off, PageAt::First).await), vec![ids[1]], "{search:?}");
    }
    reactivate(db, &boss, app.clock.now(), ids[1]).await.unwrap();
    for search in searches {
        assert_eq!(list(&boss, search, PageAt::First).await.total, 30, "{search:?}");
    }
}

#[tokio::test]
async fn only_the_corporate_admin_acts_on_an_admin_and_a_peer_admin_of_the_same_department_gets_403() {
    let app = spawn_app().await;
    let quality = app.department("Quality").await;
    let boss = actor_of(&person(&app, "boss@example.com", Role::CorporateAdmin, None).await);
    let browser = app.signed_in_as(Role::QualityAdmin, Some(quality)).await;
    let peer = person(&app, "hr@example.com", Role::HrAdmin, Some(quality)).await;
    let switched_off = person(&app, "hr.two@example.com", Role::HrAdmin, Some(quality)).await;
    deactivate(&app.state.db, &boss, app.clock.now(), switched_off.id).await.unwrap();
    let switched_off = user::Entity::find_by_id(switched_off.id).one(&app.state.db).await.unwrap().unwrap();
    let before = events(&app).await;
    let (id, off) = (peer.id.to_string(), switched_off.id.to_string());
    for (endpoint, form) in [
        ("change_assignment", vec![("id", id.as_str()), ("version", "0"), ("role", "employee"), ("department", "")]),
        ("person_action", vec![("id", id.as_str()), ("action", "deactivate")]),
        ("person_action", vec![("id", off.as_str()), ("action", "reactivate")]),
        ("person_action", vec![("id", id.as_str()), ("action", "send_password_reset")]),
        ("person_action", vec![("id", id.as_str()), ("action", "unlock")]),
    ] {
        let response = app.call(&browser, endpoint, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint} {form:?}");
    }
    assert_eq!(user::Entity::find_by_id(peer.id).one(&app.state.db).await.unwrap().unwrap(), peer);
    assert_eq!(user::Entity::find_by_id(switched_off.id).one(&app.state.db).await.unwrap().unwrap(), switched_off);
    assert_eq!(events(&app).await, before);
    let seen = app.call(&browser, "person_details", &[("id", id.as_str())]).await;
    assert_eq!(seen.status(), StatusCode::OK, "the peer is still shown to them");
    reactivate(&app.state.db, &boss, app.clock.now(), switched_off.id).await.expect("the Corporate Admin may");
}
