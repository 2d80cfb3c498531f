//! Writing audit events, always inside the transaction of the change they record.

mod details;

pub use details::AuditDetails;

use crate::audit::dto::AuditEventType;
use crate::ssr::entities::{audit_event, user};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

/// What an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Invitation(i32),
    User(i32),
    Import(i32),
    Department(i32),
    Location(i32),
}

impl Subject {
    pub const INVITATION: &'static str = "invitation";
    pub const USER: &'static str = "user";
    pub const IMPORT: &'static str = "import";
    pub const DEPARTMENT: &'static str = "department";
    pub const LOCATION: &'static str = "location";

    /// The stored `subject_type` and `subject_id`.
    fn stored(self) -> (&'static str, i32) {
        match self {
            Subject::Invitation(id) => (Subject::INVITATION, id),
            Subject::User(id) => (Subject::USER, id),
            Subject::Import(id) => (Subject::IMPORT, id),
            Subject::Department(id) => (Subject::DEPARTMENT, id),
            Subject::Location(id) => (Subject::LOCATION, id),
        }
    }
}

/// One event to record. `details` never holds a token, hash or password.
pub struct NewAuditEvent {
    pub event_type: AuditEventType,
    pub actor_user_id: Option<i32>,
    pub subject: Subject,
    pub department_id: Option<i32>,
    pub details: AuditDetails,
}

/// An event about `person` by `actor` (none when they acted on their own account), in their
/// department, naming them by email or employee number.
pub fn person_event(event_type: AuditEventType, actor: Option<i32>, person: &user::Model) -> NewAuditEvent {
    NewAuditEvent {
        event_type,
        actor_user_id: actor,
        subject: Subject::User(person.id),
        department_id: person.department_id,
        details: AuditDetails::who(person.email.clone(), person.employee_number.clone()),
    }
}

fn row(event: NewAuditEvent, now: DateTime<Utc>) -> audit_event::ActiveModel {
    let (subject_type, subject_id) = event.subject.stored();
    audit_event::ActiveModel {
        occurred_at: Set(now),
        event_type: Set(event.event_type.as_str().to_owned()),
        actor_user_id: Set(event.actor_user_id),
        subject_type: Set(subject_type.to_owned()),
        subject_id: Set(Some(subject_id)),
        department_id: Set(event.department_id),
        details: Set(event.details.to_json()),
        ..Default::default()
    }
}

pub async fn record(db: &impl ConnectionTrait, event: NewAuditEvent, now: DateTime<Utc>) -> Result<(), DbErr> {
    audit_event::Entity::insert(row(event, now)).exec_without_returning(db).await?;
    Ok(())
}

/// Records several events, each with its own time, in one statement.
pub async fn record_many(db: &impl ConnectionTrait, events: Vec<(NewAuditEvent, DateTime<Utc>)>) -> Result<(), DbErr> {
    if !events.is_empty() {
        let rows: Vec<_> = events.into_iter().map(|(event, now)| row(event, now)).collect();
        audit_event::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

mod listing;
pub use listing::{list_events, recent_for_person, time_range};
