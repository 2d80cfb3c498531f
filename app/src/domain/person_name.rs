//! Names people type about themselves or others (first and last names, job titles): trimmed,
//! with whitespace runs made one space, and no line breaks or control characters.

/// A first or last name: 1 to [`PersonName::MAX_CHARS`] characters once tidied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    /// `missing` is the sentence for an empty name ("Enter the first name.").
    pub fn parse(value: &str, missing: &str) -> Result<PersonName, String> {
        tidy(value, Self::MAX_CHARS)?.map(PersonName).ok_or_else(|| missing.to_owned())
    }

    /// [`parse`](Self::parse) for form field `field`: a problem becomes that field's error.
    pub fn parse_field(field: &str, value: &str, missing: &str) -> Result<PersonName, crate::error::AppError> {
        PersonName::parse(value, missing).map_err(|msg| crate::error::AppError::field(field, msg))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A person's full name as shown across the app.
pub fn full_name(first: &PersonName, last: &PersonName) -> String {
    format!("{} {}", first.0, last.0)
}

/// Invisible characters that change how text around them is shown (text-direction overrides
/// and isolates, zero-width characters, the soft hyphen): in a name they could make an admin
/// read something other than what is stored.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Trimmed text with whitespace runs made one space, at most `max` characters; `None` when
/// empty.
pub fn tidy(value: &str, max: usize) -> Result<Option<String>, String> {
    if value.chars().any(char::is_control) {
        return Err("Remove the line breaks or control characters.".to_owned());
    }
    if value.chars().any(is_invisible_format) {
        return Err("Remove the invisible or text-direction characters.".to_owned());
    }
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    Ok((!value.is_empty()).then_some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_tidied_and_required() {
        assert_eq!(PersonName::parse("  Ana  María ", "Enter it.").unwrap().as_str(), "Ana María");
        assert_eq!(PersonName::parse("   ", "Enter it."), Err("Enter it.".to_owned()));
    }

    #[test]
    fn text_direction_overrides_and_zero_width_characters_are_refused() {
        for spoof in ["Ana\u{202E}nimda", "Ana\u{200B}", "\u{2066}Ana\u{2069}", "An\u{00AD}a", "\u{FEFF}Ana"] {
            assert!(PersonName::parse(spoof, "Enter it.").unwrap_err().contains("invisible"), "{spoof:?}");
        }
        assert!(PersonName::parse("Zoë O'Brien-Łukasik", "Enter it.").is_ok());
    }

    #[test]
    fn control_characters_and_long_names_are_refused() {
        assert!(PersonName::parse("Ana\nMaría", "Enter it.").unwrap_err().contains("line breaks"));
        assert!(PersonName::parse(&"a".repeat(101), "Enter it.").unwrap_err().contains("at most 100"));
        assert!(PersonName::parse(&"a".repeat(100), "Enter it.").is_ok());
    }
}
