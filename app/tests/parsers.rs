//! Property tests ("fuzzing") of every parser of outside input: whatever a person, a link or
//! a form sends, the answer is a value or a clear refusal, never a panic, and what is accepted
//! keeps the promises the columns and the UI rely on.
//!
//! The test command runs a short pass (proptest's 256 cases per property). A longer one:
//! `PROPTEST_CASES=200000 cargo nextest run -p app --features app/ssr --test parsers`.
//! A failure proptest finds is shrunk to its smallest case and saved under
//! `app/proptest-regressions/`: commit that file, and it is tried first on every later run.

#![cfg(feature = "ssr")]

use app::audit::dto::AuditFilter;
use app::audit::service::time_range;
use app::domain::email::{MAX_EMAIL_LEN, WorkEmail};
use app::domain::employee_number::{EmployeeNumber, MAX_EMPLOYEE_NUMBER_CHARS};
use app::domain::password_policy::check_password;
use app::domain::person_name::{PersonName, is_invisible_format};
use app::domain::pin_policy::check_pin;
use app::domain::setup_code::normalise_typed;
use app::domain::unit_name::{MAX_UNIT_NAME, UnitName};
use app::organisation::dto::{DepartmentId, LocationId};
use proptest::prelude::*;

/// Any text, weighted towards what breaks parsers: separators, marks, other scripts,
/// invisible and control characters, and long runs.
fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-zA-Z0-9@._+\\-/:;,<>()\\[\\]\"'\\\\]{0,300}",
        "[\\PC\\p{Cf}\\p{Cc}\\p{M}]{0,80}",
        "[a-z]{1,70}@([a-zü\\u{4e00}-\\u{4e10}]{1,70}\\.){0,8}[a-z]{0,10}",
    ]
}

proptest! {
    #[test]
    fn an_email_is_parsed_or_refused_and_what_is_kept_fits(input in nasty()) {
        if let Ok(email) = WorkEmail::parse(&input) {
            prop_assert!(email.as_str().chars().count() <= MAX_EMAIL_LEN);
            prop_assert!(email.canonical().chars().count() <= MAX_EMAIL_LEN);
            let (_, domain) = email.canonical().rsplit_once('@').unwrap();
            prop_assert!(domain.is_ascii());
            prop_assert_eq!(email.canonical().to_owned(), email.canonical().to_lowercase());
        }
    }

    #[test]
    fn an_employee_number_is_parsed_or_refused_and_what_is_kept_fits(input in nasty()) {
        if let Ok(number) = EmployeeNumber::parse(&input) {
            prop_assert!(number.as_str().chars().count() <= MAX_EMPLOYEE_NUMBER_CHARS);
            prop_assert_eq!(number.canonical().to_owned(), number.as_str().to_lowercase());
            prop_assert!(!number.as_str().chars().any(char::is_whitespace));
        }
    }

    #[test]
    fn a_typed_setup_code_is_twelve_crockford_characters_or_nothing(input in nasty()) {
        if let Some(code) = normalise_typed(&input) {
            prop_assert_eq!(code.len(), 12);
            prop_assert!(code.chars().all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)), "{}", code);
        }
    }

    #[test]
    fn the_pin_and_password_rules_answer_anything(secret in nasty(), whose in nasty()) {
        let _ = check_pin(&secret, &whose);
        let _ = check_password(&secret, &whose);
    }

    #[test]
    fn a_unit_name_is_parsed_or_refused_and_what_is_kept_is_clean(input in nasty()) {
        if let Ok(name) = UnitName::parse(&input) {
            prop_assert!((1..=MAX_UNIT_NAME).contains(&name.as_str().chars().count()));
            prop_assert!(!name.as_str().chars().any(|c| c.is_control() || is_invisible_format(c)));
        }
    }

    #[test]
    fn a_person_name_is_parsed_or_refused_and_what_is_kept_is_clean(input in nasty()) {
        if let Ok(name) = PersonName::parse(&input, "Enter it.") {
            let kept = name.as_str();
            prop_assert!((1..=PersonName::MAX_CHARS).contains(&kept.chars().count()));
            prop_assert_eq!(kept.trim(), kept);
            prop_assert!(!kept.contains("  "));
            prop_assert!(!kept.chars().any(|c| c.is_control() || is_invisible_format(c)));
        }
    }

    #[test]
    fn the_audit_filters_answer_any_dates_and_zone(from in nasty(), to in nasty(), tz in any::<i32>()) {
        let _ = time_range(&AuditFilter { event: String::new(), from, to, tz });
    }

    #[test]
    fn the_audit_filters_answer_any_well_formed_date(
        a in (-262_143i32..=262_142, 1u32..=12, 1u32..=31),
        b in (-262_143i32..=262_142, 1u32..=12, 1u32..=31),
        tz in any::<i32>(),
    ) {
        let day = |(y, m, d): (i32, u32, u32)| format!("{y:+05}-{m:02}-{d:02}");
        let _ = time_range(&AuditFilter { event: String::new(), from: day(a), to: day(b), tz });
    }

    #[test]
    fn a_unit_select_answers_any_value(value in nasty()) {
        let _ = DepartmentId::parse_optional(&value);
        let _ = LocationId::parse_optional(&value);
    }
}
