//! Employee numbers: how shop-floor workers without email are told apart and sign in.

use super::identity::Canonical;
use unicode_normalization::UnicodeNormalization;

pub const MAX_EMPLOYEE_NUMBER_CHARS: usize = 32;

/// The kind of an [`EmployeeNumber`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Number {}

/// An employee number as the admin typed it (trimmed, NFC) and in the canonical form that
/// uniqueness and sign-in are checked on (also case-folded), like [`WorkEmail`].
///
/// [`WorkEmail`]: super::email::WorkEmail
pub type EmployeeNumber = Canonical<Number>;

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
        Ok(EmployeeNumber::parsed(display, canonical))
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
