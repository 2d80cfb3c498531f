use crate::when::Moment;
use leptos::prelude::*;

/// A moment, rendered in UTC on the server and shown in the viewer's own time zone once the
/// page is running in the browser.
#[component]
pub fn LocalTime(at: Moment) -> impl IntoView {
    let iso = crate::when::iso(at);
    let utc_text = crate::when::short(at);
    let text = RwSignal::new(utc_text.clone());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| text.set(in_browser_zone(at)));
    view! { <time datetime=iso title=utc_text>{move || text.get()}</time> }
}

/// The viewer's offset east of UTC in minutes, as the browser knows it.
#[cfg(feature = "hydrate")]
pub fn browser_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

#[cfg(feature = "hydrate")]
fn in_browser_zone(at: Moment) -> String {
    let date = js_sys::Date::new(&(at.unix_seconds() as f64 * 1000.0).into());
    let offset = -(date.get_timezone_offset() as i32);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} (UTC{sign}{:02}:{:02})",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        offset.abs() / 60,
        offset.abs() % 60
    )
}
