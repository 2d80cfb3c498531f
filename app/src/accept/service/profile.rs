//! The profile an invitee fills in, parsed field by field.

use crate::domain::language::language_name;
use crate::domain::person_name::{PersonName, full_name, tidy};
use crate::error::AppError;

const MAX_JOB_TITLE_CHARS: usize = 120;
const MAX_PHONE_CHARS: usize = 32;

/// A valid profile: names and job title trimmed with inner whitespace collapsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub language: String,
}

impl Profile {
    pub fn parse(
        first_name: &str,
        last_name: &str,
        job_title: &str,
        phone: &str,
        language: &str,
    ) -> Result<Profile, AppError> {
        let first_name = PersonName::parse_field("first_name", first_name, "Enter your first name.")?;
        let last_name = PersonName::parse_field("last_name", last_name, "Enter your last name.")?;
        let job_title = tidy(job_title, MAX_JOB_TITLE_CHARS).map_err(|msg| AppError::field("job_title", msg))?;
        let phone = parse_phone(phone)?;
        let language = language_name(language.trim())
            .map(|_| language.trim().to_owned())
            .ok_or_else(|| AppError::field("language", "Choose a language from the list."))?;
        Ok(Profile { first_name, last_name, job_title, phone, language })
    }

    /// The name shown across the app.
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

/// Digits with the usual separators and an optional leading `+`.
fn parse_phone(value: &str) -> Result<Option<String>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.' | '/');
    let (_, rest) = value.split_at(usize::from(value.starts_with('+')));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if value.chars().count() > MAX_PHONE_CHARS || !rest.chars().all(allowed) || !(5..=20).contains(&digits) {
        return Err(AppError::field("phone", "Enter a phone number such as +44 20 7946 0958, or leave it empty."));
    }
    Ok(Some(value.split_whitespace().collect::<Vec<_>>().join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: AppError) -> String {
        match err {
            AppError::Field { field, .. } => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_profile_is_tidied() {
        let p = Profile::parse("  Ana  María ", "López", " Quality  Inspector ", "+34 600 123 456", "es").unwrap();
        assert_eq!(p.first_name.as_str(), "Ana María");
        assert_eq!(p.job_title.as_deref(), Some("Quality Inspector"));
        assert_eq!(p.phone.as_deref(), Some("+34 600 123 456"));
        assert_eq!(p.full_name(), "Ana María López");
    }

    #[test]
    fn first_and_last_name_are_required_and_the_rest_optional() {
        assert_eq!(field_of(Profile::parse(" ", "López", "", "", "en").unwrap_err()), "first_name");
        assert_eq!(field_of(Profile::parse("Ana", "", "", "", "en").unwrap_err()), "last_name");
        let p = Profile::parse("Ana", "López", "", "", "en").unwrap();
        assert_eq!((p.job_title, p.phone), (None, None));
    }

    #[test]
    fn phone_numbers_must_look_like_phone_numbers() {
        assert_eq!(field_of(Profile::parse("A", "B", "", "call me", "en").unwrap_err()), "phone");
        assert_eq!(field_of(Profile::parse("A", "B", "", "12", "en").unwrap_err()), "phone");
        assert_eq!(field_of(Profile::parse("A", "B", "", "+4+4 1234567", "en").unwrap_err()), "phone");
        assert!(Profile::parse("A", "B", "", "(0161) 496-0000", "en").is_ok());
    }

    #[test]
    fn only_listed_languages_and_no_control_characters() {
        assert_eq!(field_of(Profile::parse("A", "B", "", "", "xx").unwrap_err()), "language");
        assert_eq!(field_of(Profile::parse("A\u{0}", "B", "", "", "en").unwrap_err()), "first_name");
        assert_eq!(field_of(Profile::parse(&"a".repeat(101), "B", "", "", "en").unwrap_err()), "first_name");
    }
}
