//! Employee numbers: how shop-floor workers without email are told apart and sign in.

use unicode_normalization::UnicodeNormalization;

pub const MAX_EMPLOYEE_NUMBER_CHARS: usize = 32;

/// An employee number as the admin typed it (trimmed, NFC) and in the canonical form that
/// uniqueness and sign-in are checked on (also case-folded), like [`WorkEmail`].
///
/// [`WorkEmail`]: super::email::WorkEmail
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmployeeNumber {
    display: String,
    canonical: String,
}

impl EmployeeNumber {
    /// Letters, digits and `- _ . /`, 1 to 32 characters, no inner spaces.
    pub fn parse(input: &str) -> Result<Self, String> {
        let display: String = input.trim().nfc().collect();
        if display.is_empty() {
            return Err("Enter an employee number.".into());
        }
        if display.chars().count() > MAX_EMPLOYEE_NUMBER_CHARS {
            return Err(format!("An employee number has at most {MAX_EMPLOYEE_NUMBER_CHARS} characters."));
        }
        if !display.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')) {
            return Err("Use only letters, digits and - _ . / in an employee number.".into());
        }
        let canonical = display.to_lowercase();
        Ok(EmployeeNumber { display, canonical })
    }

    /// A number as a row stores it: already parsed when it was written.
    pub(crate) fn stored(display: &str, canonical: &str) -> Self {
        EmployeeNumber { display: display.to_owned(), canonical: canonical.to_owned() }
    }

    pub fn as_str(&self) -> &str {
        &self.display
    }

    pub fn canonical(&self) -> &str {
        &self.canonical
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed_and_compared_without_case() {
        let a = EmployeeNumber::parse("  AB-1234 ").unwrap();
        let b = EmployeeNumber::parse("ab-1234").unwrap();
        assert_eq!(a.as_str(), "AB-1234");
        assert_eq!(a.canonical(), b.canonical());
    }

    #[test]
    fn empty_spaced_long_and_odd_numbers_are_refused() {
        assert!(EmployeeNumber::parse("   ").is_err());
        assert!(EmployeeNumber::parse("AB 1234").is_err());
        assert!(EmployeeNumber::parse("AB<1234>").is_err());
        assert!(EmployeeNumber::parse(&"7".repeat(33)).is_err());
        assert!(EmployeeNumber::parse(&"7".repeat(32)).is_ok());
    }
}
