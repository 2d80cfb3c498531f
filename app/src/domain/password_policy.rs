//! The rule a new password must meet. It compiles into the browser too, so the live hint on the
//! accept page and the server's decision can never disagree.
//!
//! - 12 to 128 characters, counted in Unicode code points; no composition rules, nothing
//!   truncated (the whole password is hashed).
//! - Not one of the 10,000 most common passwords (`app/data/common-passwords.txt`), compared
//!   without case, also after removing digits and symbols from its end ("Password2024!"). The
//!   file leaves out the 2,437 of them that no password this rule lets through can meet: those
//!   shorter than 12 characters that end in a digit or symbol are neither a whole password of
//!   12 or more nor what is left once digits and symbols are cut from its end. The decisions are
//!   the same, and the browser's copy of the list is a quarter lighter.
//! - Not containing the local part of the person's email address, without case, when that
//!   local part has at least 3 characters.

use std::collections::HashSet;
use std::sync::OnceLock;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Shorter local parts ("jo@…") would refuse too many good passwords to be worth checking.
const MIN_LOCAL_PART_CHARS: usize = 3;

const COMMON: &str = include_str!("../../data/common-passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
}

/// Why a password is refused. `Display` is the sentence shown beside the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort { chars: usize },
    TooLong { chars: usize },
    Common,
    ContainsEmail,
}

impl std::fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordProblem::TooShort { chars } => {
                write!(f, "Use at least {MIN_PASSWORD_CHARS} characters ({chars} so far).")
            }
            PasswordProblem::TooLong { chars } => {
                write!(f, "Use at most {MAX_PASSWORD_CHARS} characters ({chars} now).")
            }
            PasswordProblem::Common => {
                f.write_str("This is one of the most common passwords. Choose something less predictable.")
            }
            PasswordProblem::ContainsEmail => f.write_str("Do not use your email address in your password."),
        }
    }
}

/// Checks `password` for the person whose address is `email` (may be empty).
pub fn check_password(password: &str, email: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort { chars });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong { chars });
    }
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let common = common_passwords();
    if common.contains(lower.as_str()) || common.contains(stem) {
        return Err(PasswordProblem::Common);
    }
    let local = email.rsplit_once('@').map_or(email, |(local, _)| local).trim().to_lowercase();
    if local.chars().count() >= MIN_LOCAL_PART_CHARS && lower.contains(&local) {
        return Err(PasswordProblem::ContainsEmail);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMAIL: &str = "jane.doe@example.com";

    #[test]
    fn eleven_characters_are_too_few_and_twelve_are_enough() {
        assert_eq!(check_password("kestrelmoon", EMAIL), Err(PasswordProblem::TooShort { chars: 11 }));
        assert_eq!(check_password("kestrelmoon7", EMAIL), Ok(()));
    }

    #[test]
    fn length_is_counted_in_code_points_not_bytes() {
        assert_eq!(check_password(&"🔒".repeat(12), EMAIL), Ok(()));
        assert_eq!(check_password(&"🔒".repeat(128), EMAIL), Ok(()));
        assert_eq!(check_password(&"🔒".repeat(129), EMAIL), Err(PasswordProblem::TooLong { chars: 129 }));
    }

    #[test]
    fn a_sixty_four_character_emoji_passphrase_is_accepted() {
        let passphrase: String = "🦀🌧️🏭🔧".chars().cycle().take(64).collect();
        assert_eq!(passphrase.chars().count(), 64);
        assert_eq!(check_password(&passphrase, EMAIL), Ok(()));
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(check_password("qwertyuiop123", EMAIL), Err(PasswordProblem::Common));
        assert_eq!(check_password("1QAZ2WSX3EDC", EMAIL), Err(PasswordProblem::Common));
    }

    #[test]
    fn a_common_password_with_digits_or_symbols_on_the_end_is_still_common() {
        assert_eq!(check_password("Password2024!", EMAIL), Err(PasswordProblem::Common));
        assert_eq!(check_password("iloveyou12345", EMAIL), Err(PasswordProblem::Common));
    }

    #[test]
    fn a_password_containing_the_email_local_part_is_refused() {
        assert_eq!(check_password("xxJane.Doe-2026xx", EMAIL), Err(PasswordProblem::ContainsEmail));
        // Too short a local part to say anything.
        assert_eq!(check_password("jo jo jo kestrel", "jo@example.com"), Ok(()));
    }

    #[test]
    fn the_shipped_list_is_loaded() {
        assert_eq!(common_passwords().len(), 7_563);
    }

    #[test]
    fn every_listed_password_can_be_met_by_a_password_the_length_rule_lets_through() {
        let unreachable: Vec<&str> = common_passwords()
            .iter()
            .copied()
            .filter(|p| p.chars().count() < MIN_PASSWORD_CHARS && !p.ends_with(char::is_alphabetic))
            .collect();
        assert_eq!(unreachable, Vec::<&str>::new());
    }

    #[test]
    fn a_short_common_password_is_still_met_as_what_is_left_of_a_longer_one() {
        assert_eq!(check_password("monkey2024!!!", EMAIL), Err(PasswordProblem::Common));
        assert_eq!(check_password("dragon########", EMAIL), Err(PasswordProblem::Common));
    }
}
