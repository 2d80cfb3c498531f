//! How pages and mails write a moment, always in UTC: "1 December 2026, 14:05 UTC", "14:05",
//! "2026-12-01 14:05 UTC", "1 December 2026 at 14:05 UTC". The texts are put together from
//! chrono's fields rather than with its strftime formatter, whose pattern parser and tables
//! would otherwise be part of the browser's download for a handful of fixed patterns.

use chrono::{DateTime, Datelike, Timelike, Utc};

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// "1 December 2026".
pub fn date(at: DateTime<Utc>) -> String {
    format!("{} {} {}", at.day(), MONTHS[at.month0() as usize], at.year())
}

/// "14:05", the 24-hour clock.
pub fn clock(at: DateTime<Utc>) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// "1 December 2026, 14:05 UTC".
pub fn long(at: DateTime<Utc>) -> String {
    format!("{}, {} UTC", date(at), clock(at))
}

/// "1 December 2026 at 14:05 UTC", as a sentence in a mail says it.
pub fn in_a_sentence(at: DateTime<Utc>) -> String {
    format!("{} at {} UTC", date(at), clock(at))
}

/// "2026-12-01 14:05 UTC", for tables where the dates line up.
pub fn short(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}-{:02} {} UTC", at.year(), at.month(), at.day(), clock(at))
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
    fn single_digit_days_and_minutes_read_as_people_write_them() {
        let at = Utc.with_ymd_and_hms(2027, 3, 4, 9, 5, 59).unwrap();
        assert_eq!(long(at), "4 March 2027, 09:05 UTC");
        assert_eq!(short(at), "2027-03-04 09:05 UTC");
    }
}
