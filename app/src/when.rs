//! How pages and mails write a moment, always in UTC: "1 December 2026, 14:05 UTC", "14:05",
//! "2026-12-01 14:05 UTC", "1 December 2026 at 14:05 UTC". The texts are put together from
//! chrono's fields rather than with its strftime formatter, whose pattern parser and tables
//! would otherwise be part of the browser's download for a handful of fixed patterns.
//!
//! Pages receive moments as a [`Moment`], a number of seconds, for the same reason: chrono's
//! own serde form is RFC 3339 text, and reading and writing it put chrono's parser and
//! formatter into the browser.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// A moment as it travels to a page: whole seconds since 1970-01-01 00:00 UTC, sent as a plain
/// number. Every moment Onboard shows is to the minute, so nothing shown is lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Moment(i64);

impl Moment {
    pub fn unix_seconds(self) -> i64 {
        self.0
    }
}

impl From<DateTime<Utc>> for Moment {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at.timestamp())
    }
}

impl From<Moment> for DateTime<Utc> {
    /// Out of chrono's range (beyond the year 262,000) reads as 1970: no moment Onboard makes.
    fn from(at: Moment) -> Self {
        DateTime::from_timestamp(at.0, 0).unwrap_or_default()
    }
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// "1 December 2026".
pub fn date(at: impl Into<DateTime<Utc>>) -> String {
    let at = at.into();
    format!("{} {} {}", at.day(), MONTHS[at.month0() as usize], at.year())
}

/// "14:05", the 24-hour clock.
pub fn clock(at: impl Into<DateTime<Utc>>) -> String {
    let at = at.into();
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// "1 December 2026, 14:05 UTC".
pub fn long(at: impl Into<DateTime<Utc>>) -> String {
    let at = at.into();
    format!("{}, {} UTC", date(at), clock(at))
}

/// "1 December 2026 at 14:05 UTC", as a sentence in a mail says it.
pub fn in_a_sentence(at: impl Into<DateTime<Utc>>) -> String {
    let at = at.into();
    format!("{} at {} UTC", date(at), clock(at))
}

/// "2026-12-01 14:05 UTC", for tables where the dates line up.
pub fn short(at: impl Into<DateTime<Utc>>) -> String {
    let at = at.into();
    format!("{:04}-{:02}-{:02} {} UTC", at.year(), at.month(), at.day(), clock(at))
}

/// "2026-12-01T14:05:00Z", for a `<time datetime>` attribute.
pub fn iso(at: impl Into<DateTime<Utc>>) -> String {
    let at = at.into();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn every_text_reads_as_the_strftime_pattern_it_replaces_all_year_round() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        // Every day of a leap year and a common one, at a minute that moves through the day.
        for n in 0..(366 + 365) {
            let at = start + Duration::days(n) + Duration::minutes(n * 37 % 1440);
            assert_eq!(date(at), at.format("%-d %B %Y").to_string());
            assert_eq!(clock(at), at.format("%H:%M").to_string());
            assert_eq!(long(at), at.format("%-d %B %Y, %H:%M UTC").to_string());
            assert_eq!(short(at), at.format("%Y-%m-%d %H:%M UTC").to_string());
        }
    }

    #[test]
    fn a_moment_keeps_the_second_and_travels_as_a_number() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 14, 5, 9).unwrap() + Duration::milliseconds(750);
        let moment = Moment::from(at);
        assert_eq!(DateTime::<Utc>::from(moment), at - Duration::milliseconds(750));
        assert_eq!(serde_json::to_string(&moment).unwrap(), moment.unix_seconds().to_string());
        assert_eq!(iso(moment), at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        assert_eq!(long(moment), "1 December 2026, 14:05 UTC");
    }

    #[test]
    fn single_digit_days_and_minutes_read_as_people_write_them() {
        let at = Utc.with_ymd_and_hms(2027, 3, 4, 9, 5, 59).unwrap();
        assert_eq!(long(at), "4 March 2027, 09:05 UTC");
        assert_eq!(short(at), "2027-03-04 09:05 UTC");
    }
}
