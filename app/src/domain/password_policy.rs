//! The rule a new password must meet. It compiles into the browser too, so the live hint on the
//! accept page and the server's decision can never disagree.
//!
//! - 12 to 128 characters, counted in Unicode code points; no composition rules, nothing
//!   truncated (the whole password is hashed).
//! - Not one of the 10,000 most common passwords (`app/data/common-passwords.txt`), compared
//!   without case, also after removing digits and symbols from its end ("Password2024!"). The
//!   file leaves out the 2,437 of them that no password this rule lets through can meet: those
//!   shorter than 12 characters that end in a digit or symbol are neither a whole password of
//!   12 or more nor what is left once digits and symbols are cut from its end.
//! - Not containing the local part of the person's email address, without case, when that
//!   local part has at least 3 characters.
//!
//! The list is not compiled into the browser's program, where it was a tenth of the weight
//! every page paid for; the browser fetches it from [`common_list_path`] when someone starts
//! choosing a password, and the server always checks with its own copy.

use std::collections::HashSet;

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Shorter local parts ("jo@…") would refuse too many good passwords to be worth checking.
const MIN_LOCAL_PART_CHARS: usize = 3;

/// The list as shipped, one password per line: the server's copy, and what it serves.
#[cfg(any(feature = "ssr", test))]
pub const COMMON_LIST: &str = include_str!("../../data/common-passwords.txt");

/// A hash of the list, worked out by the compiler: only this number reaches the browser, and
/// it names the list's address, so a browser may keep the list for as long as it likes.
const COMMON_LIST_HASH: u64 = fnv1a(include_bytes!("../../data/common-passwords.txt"));

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// Where the server serves [`COMMON_LIST`]; a new list gets a new address.
pub fn common_list_path() -> String {
    format!("/common-passwords.{COMMON_LIST_HASH:016x}.txt")
}

/// The common passwords, in lower case.
#[derive(Debug, Default)]
pub struct CommonPasswords(HashSet<String>);

impl CommonPasswords {
    /// One password per line; blank lines are skipped.
    pub fn parse(text: &str) -> Self {
        Self(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_lowercase).collect())
    }

    pub fn contains(&self, lower: &str) -> bool {
        self.0.contains(lower)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

/// The server's copy of the list, read once.
#[cfg(any(feature = "ssr", test))]
pub fn common_passwords() -> &'static CommonPasswords {
    static SET: std::sync::OnceLock<CommonPasswords> = std::sync::OnceLock::new();
    SET.get_or_init(|| CommonPasswords::parse(COMMON_LIST))
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

/// Checks `password` for the person whose address is `email` (may be empty), with the whole
/// list: the server's decision.
#[cfg(any(feature = "ssr", test))]
pub fn check_password(password: &str, email: &str) -> Result<(), PasswordProblem> {
    check_password_with(password, email, Some(common_passwords()))
}

/// The same rule against `common`, or without the common-password part while the browser has
/// no list yet (`None`).
pub fn check_password_with(
    password: &str,
    email: &str,
    common: Option<&CommonPasswords>,
) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort { chars });
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong { chars });
    }
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    if common.is_some_and(|common| common.contains(&lower) || common.contains(stem)) {
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
            .filter(|p| p.chars().count() < MIN_PASSWORD_CHARS && !p.ends_with(char::is_alphabetic))
            .collect();
        assert_eq!(unreachable, Vec::<&str>::new());
    }

    #[test]
    fn without_a_list_every_other_part_of_the_rule_still_holds() {
        assert_eq!(check_password_with("Password2024!", EMAIL, None), Ok(()));
        assert_eq!(check_password_with("short", EMAIL, None), Err(PasswordProblem::TooShort { chars: 5 }));
        assert_eq!(check_password_with("xxjane.doexxxx", EMAIL, None), Err(PasswordProblem::ContainsEmail));
    }

    #[test]
    fn the_list_is_served_under_a_name_that_changes_with_its_content() {
        assert_eq!(COMMON_LIST_HASH, fnv1a(COMMON_LIST.as_bytes()));
        assert_ne!(fnv1a(b"password"), fnv1a(b"passwore"));
        assert!(common_list_path().starts_with("/common-passwords.") && common_list_path().ends_with(".txt"));
    }

    #[test]
    fn a_short_common_password_is_still_met_as_what_is_left_of_a_longer_one() {
        assert_eq!(check_password("monkey2024!!!", EMAIL), Err(PasswordProblem::Common));
        assert_eq!(check_password("dragon########", EMAIL), Err(PasswordProblem::Common));
    }
}
