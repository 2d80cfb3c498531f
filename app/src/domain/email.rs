//! Work email addresses and their canonical form.

use super::identity::Canonical;
use unicode_normalization::UnicodeNormalization;

pub const MAX_EMAIL_LEN: usize = 254;

/// The kind of a [`WorkEmail`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {}

/// A syntactically valid email address, as the person wrote it (normalised) and in the
/// canonical form that uniqueness is checked on.
pub type WorkEmail = Canonical<Address>;

impl WorkEmail {
    /// Trims, NFC-normalises, converts an IDN domain to ASCII and lower-cases it.
    ///
    /// The canonical form also lower-cases the local part: no mail system our customers use
    /// treats `Anna@` and `anna@` as two people, and one account each would be a trap.
    pub fn parse(input: &str) -> Result<Self, String> {
        let normalised: String = input.trim().nfc().collect();
        if normalised.is_empty() {
            return Err("Enter an email address.".into());
        }
        if normalised.chars().count() > MAX_EMAIL_LEN {
            return Err(format!("An email address has at most {MAX_EMAIL_LEN} characters."));
        }
        let invalid = || "Enter a valid email address, like name@example.com.".to_string();
        let (local, domain) = normalised.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.chars().count() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c));
        if !local_ok {
            return Err(invalid());
        }
        let ascii_domain = idna::domain_to_ascii(domain).map_err(|_| invalid())?;
        let labels: Vec<&str> = ascii_domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !domain_ok {
            return Err(invalid());
        }
        let display = format!("{local}@{ascii_domain}");
        // An international domain can grow several times over in its ASCII form: what is
        // stored must still fit the limit (and the columns).
        if display.chars().count() > MAX_EMAIL_LEN {
            return Err(format!("An email address has at most {MAX_EMAIL_LEN} characters."));
        }
        let canonical = format!("{}@{ascii_domain}", local.to_lowercase());
        Ok(WorkEmail::parsed(display, canonical))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_are_trimmed_and_the_domain_is_lower_cased() {
        let email = WorkEmail::parse("  Anna.Berg@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Anna.Berg@example.com");
        assert_eq!(email.canonical(), "anna.berg@example.com");
    }

    #[test]
    fn an_idn_domain_becomes_ascii() {
        let email = WorkEmail::parse("jörg@bücher.de").unwrap();
        assert_eq!(email.canonical(), "jörg@xn--bcher-kva.de");
    }

    #[test]
    fn composed_and_decomposed_forms_are_one_address() {
        let composed = WorkEmail::parse("j\u{00f6}rg@example.com").unwrap();
        let decomposed = WorkEmail::parse("jo\u{0308}rg@example.com").unwrap();
        assert_eq!(composed.canonical(), decomposed.canonical());
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in ["", "anna", "anna@", "@example.com", "anna@localhost", "an na@example.com",
                    "anna@exa mple.com", "a..b@example.com", "anna@-example.com", "a,b@example.com"] {
            assert!(WorkEmail::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn an_address_whose_ascii_domain_outgrows_the_limit_is_rejected() {
        let long = format!("a@{}de", "ü.".repeat(100));
        assert!(long.chars().count() <= MAX_EMAIL_LEN, "short enough as typed");
        assert!(WorkEmail::parse(&long).unwrap_err().contains("at most 254"));
    }

    #[test]
    fn an_oversized_address_is_rejected() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(WorkEmail::parse(&long).is_err());
    }
}
