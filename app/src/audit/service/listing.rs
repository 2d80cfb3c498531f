//! Reading the audit log, scoped like the Users page.

use super::{AuditDetails, Subject};
use crate::audit::dto::{AuditEventType, AuditFilter, AuditRow};
use crate::dto::{Page, PageAt};
use crate::error::AppError;
use crate::policy::Scope;
use crate::ssr::Actor;
use crate::ssr::entities::audit_event;
use crate::ssr::models::user::names as user_names;
use crate::ssr::pagination::{Counting, ListOrder, fetch_page};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Time zones reach from UTC−12 to UTC+14.
const MAX_OFFSET_MINUTES: i32 = 14 * 60;
/// Years a filter may name: wide enough for any audit log, narrow enough that no date
/// arithmetic near chrono's limits (year ±262,143) can overflow.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// The start of `day` in a zone `offset_minutes` east of UTC, as a UTC instant.
fn start_of_day(field: &str, day: &str, offset_minutes: i32) -> Result<Option<DateTime<Utc>>, AppError> {
    if day.trim().is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::field(field, "Enter a date as YYYY-MM-DD."))?;
    if !YEARS.contains(&date.year()) {
        return Err(AppError::field(field, format!("Enter a date between {} and {}.", YEARS.start(), YEARS.end())));
    }
    let local_midnight = date.and_hms_opt(0, 0, 0).ok_or_else(|| AppError::field(field, "Enter a real date."))?;
    Ok(Some(local_midnight.and_utc() - Duration::minutes(i64::from(offset_minutes))))
}

/// The instants `filter` covers: from the start of `from` up to (not including) the day after `to`.
pub fn time_range(filter: &AuditFilter) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), AppError> {
    let offset = filter.tz.clamp(-MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES);
    let from = start_of_day("from", &filter.from, offset)?;
    let until = start_of_day("to", &filter.to, offset)?.map(|t| t + Duration::days(1));
    if let (Some(from), Some(until)) = (from, until)
        && from >= until
    {
        return Err(AppError::field("to", "The end date must not be before the start date."));
    }
    Ok((from, until))
}

fn subject_of(event: &audit_event::Model, details: &AuditDetails, names: &HashMap<i32, String>) -> String {
    let recorded = |value: &Option<String>| value.clone().unwrap_or_default();
    let who = details.email.clone().or_else(|| details.employee_number.clone()).unwrap_or_default();
    match event.subject_type.as_str() {
        Subject::INVITATION => format!("Invitation to {who}"),
        Subject::USER => {
            let name = event.subject_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default();
            format!("User {name} ({who})")
        }
        Subject::IMPORT => format!("Import of {}", recorded(&details.file_name)),
        Subject::DEPARTMENT => format!("Department {}", recorded(&details.name)),
        Subject::LOCATION => format!("Location {}", recorded(&details.name)),
        other => format!("{other} {}", event.subject_id.map(|id| id.to_string()).unwrap_or_default()),
    }
}

/// Audit events newest first, filtered by type and date range; a Quality or HR Admin sees only
/// events of their own department.
pub async fn list_events(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &AuditFilter,
    at: PageAt,
) -> Result<Page<AuditRow>, AppError> {
    let scope = Scope::of(actor)?;
    let (from, until) = time_range(filter)?;
    let mut query = audit_event::Entity::find();
    if !filter.event.is_empty() {
        let event = AuditEventType::parse(&filter.event)
            .ok_or_else(|| AppError::field("event", "Choose an event type from the list."))?;
        query = query.filter(audit_event::Column::EventType.eq(event.as_str()));
    }
    if let Some(from) = from {
        query = query.filter(audit_event::Column::OccurredAt.gte(from));
    }
    if let Some(until) = until {
        query = query.filter(audit_event::Column::OccurredAt.lt(until));
    }
    if let Some(department) = scope.department() {
        query = query.filter(audit_event::Column::DepartmentId.eq(department));
    }
    let order = ListOrder { key: audit_event::Column::OccurredAt, id: audit_event::Column::Id, descending: true };
    let found = fetch_page(db, query, order, at, Counting::Apart).await?;
    let rows = rows_of(db, &found.items).await?;
    Ok(found.map(|_| rows))
}

/// The newest `limit` events about person `user_id` (newest first), for their page; the
/// caller has checked the reader may see the person.
pub async fn recent_for_person(db: &impl ConnectionTrait, user_id: i32, limit: u64) -> Result<Vec<AuditRow>, AppError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectType.eq(Subject::USER))
        .filter(audit_event::Column::SubjectId.eq(user_id))
        .order_by_desc(audit_event::Column::OccurredAt)
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows_of(db, &events).await
}

/// Events as the Audit log shows them, with the names of the people they involve.
async fn rows_of(db: &impl ConnectionTrait, events: &[audit_event::Model]) -> Result<Vec<AuditRow>, AppError> {
    let people: Vec<i32> = events
        .iter()
        .flat_map(|e| [e.actor_user_id, (e.subject_type == Subject::USER).then_some(e.subject_id).flatten()])
        .flatten()
        .collect();
    let names = user_names(db, people).await?;
    Ok(events
        .iter()
        .map(|event| {
            let details = AuditDetails::from_json(&event.details);
            AuditRow {
                id: event.id,
                occurred_at: event.occurred_at.into(),
                event: AuditEventType::parse(&event.event_type)
                    .map_or_else(|| event.event_type.clone(), |t| t.label().to_owned()),
                actor: event.actor_user_id.and_then(|id| names.get(&id).cloned()),
                subject: subject_of(event, &details, &names),
                details: details.shown(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(from: &str, to: &str, tz: i32) -> AuditFilter {
        AuditFilter { from: from.into(), to: to.into(), tz, ..Default::default() }
    }

    #[test]
    fn a_day_range_covers_whole_days_in_the_viewers_zone() {
        // UTC+1: 1 March starts at 23:00 UTC on 28 February; 2 March ends at 23:00 UTC on 2 March.
        let (from, until) = time_range(&filter("2026-03-01", "2026-03-02", 60)).unwrap();
        assert_eq!(from.unwrap().to_rfc3339(), "2026-02-28T23:00:00+00:00");
        assert_eq!(until.unwrap().to_rfc3339(), "2026-03-02T23:00:00+00:00");
    }

    #[test]
    fn a_reversed_or_malformed_range_is_refused() {
        assert!(time_range(&filter("2026-03-02", "2026-03-01", 0)).is_err());
        assert!(time_range(&filter("03/01/2026", "", 0)).is_err());
        assert_eq!(time_range(&filter("", "", 0)).unwrap(), (None, None));
    }

    #[test]
    fn dates_near_the_calendars_limits_get_a_field_error_not_a_panic() {
        for (from, to) in [("", "+262142-12-31"), ("-262143-01-01", ""), ("0001-01-01", ""), ("", "10000-01-01")] {
            let refused = time_range(&filter(from, to, 14 * 60)).unwrap_err();
            let field = if from.is_empty() { "to" } else { "from" };
            assert!(refused.for_field(field).is_some(), "{from:?} {to:?}: {refused:?}");
        }
        assert!(time_range(&filter("1900-01-01", "9999-12-31", -12 * 60)).is_ok());
    }

    #[test]
    fn only_known_details_are_shown_and_nulls_are_left_out() {
        let shown = AuditDetails::from_json(
            &serde_json::json!({ "email": "a@example.com", "role": "Employee", "department": null, "token": "x" }).to_string(),
        )
        .shown();
        assert_eq!(shown, vec![("Email".into(), "a@example.com".into()), ("Role".into(), "Employee".into())]);
    }
}
