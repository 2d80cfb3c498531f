use super::LocalTime;
use crate::audit::api::list_audit_events;
use crate::audit::dto::{AuditEventType, AuditFilter, AuditRow};
use crate::layout::{AdminOnly, PagedTable, follows, page_at};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The Audit log: events newest first, filterable by type and date range, scoped like Users.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let at = page_at();
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        AuditFilter {
            event: q.get("event").unwrap_or_default(),
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            tz: q.get("tz").and_then(|t| t.parse().ok()).unwrap_or(0),
        }
    };
    let events = Resource::new(move || (at(), filter()), |(at, filter)| {
        let (after, before) = at.params();
        list_audit_events(after, before, filter)
    });
    // What the address says now, for the first paint; `follows` keeps the controls in step.
    let now = untrack(filter);
    let field = move |part: fn(AuditFilter) -> String| Signal::derive(move || part(filter()));
    // Dates in the filter are the viewer's days: the browser says which zone that is.
    let tz = RwSignal::new(0);
    let zone_note = RwSignal::new("Dates are in UTC.");
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        tz.set(super::local_time::browser_offset_minutes());
        zone_note.set("Dates and times are in your time zone.");
    });
    view! {
        <Title text="Audit log · Onboard"/>
        <AdminOnly>
            <header class="page-header"><h1>"Audit log"</h1></header>
            <form class="filters" method="get" action="/audit-log">
                <label for="audit-event">"Event"</label>
                <select id="audit-event" name="event" use:follows=field(|f| f.event)>
                    <option value="">"All events"</option>
                    {AuditEventType::ALL.into_iter().map(|t| view! {
                        <option value=t.as_str() selected=now.event == t.as_str()>{t.label()}</option>
                    }).collect_view()}
                </select>
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=now.from.clone() use:follows=field(|f| f.from)/>
                <label for="audit-to">"To"</label>
                <input id="audit-to" name="to" type="date" value=now.to.clone() use:follows=field(|f| f.to)/>
                <input type="hidden" name="tz" prop:value=move || tz.get().to_string()/>
                <button type="submit" class="button-secondary">"Filter"</button>
                <a href="/audit-log">"Clear"</a>
            </form>
            <p class="hint">{move || zone_note.get()}</p>
            <PagedTable rows=events class="audit-log" loading="Loading events…" empty="No events match."
                base=Signal::derive(move || pager_base(&filter()))
                headers=&["Time", "Event", "Actor", "Subject", "Details"]
                row=|e| view! { <AuditRowView event=e/> }.into_any()/>
        </AdminOnly>
    }
}

/// The list's address with the current filters, ready for `after=` or `before=`.
fn pager_base(filter: &AuditFilter) -> String {
    let mut base = String::from("/audit-log?");
    for (key, value) in [("event", filter.event.clone()), ("from", filter.from.clone()), ("to", filter.to.clone())] {
        if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.')) {
            base.push_str(&format!("{key}={value}&"));
        }
    }
    if filter.tz != 0 {
        base.push_str(&format!("tz={}&", filter.tz));
    }
    base
}

#[component]
fn AuditRowView(event: AuditRow) -> impl IntoView {
    view! {
        <tr>
            <td><LocalTime at=event.occurred_at/></td>
            <td>{event.event}</td>
            <td>{event.actor.unwrap_or_else(|| "—".to_owned())}</td>
            <td>{event.subject}</td>
            <td>
                <dl class="event-details">
                    {event.details.into_iter().map(|(label, value)| view! {
                        <dt>{label}</dt><dd>{value}</dd>
                    }).collect_view()}
                </dl>
            </td>
        </tr>
    }
}
