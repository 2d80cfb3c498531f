//! How a person is known to Onboard: by a work email address, or (a shop-floor worker with no
//! email) by an employee number. One type from the stored row to the page: invitations,
//! imports, sign-in, availability and recovery all ask it rather than checking which column
//! happens to be filled.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which of the two ways a person is known. An invitation stores it as its `kind` (an active
/// enum on the server: `email` or `shop_floor`, the values the first release wrote).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::N(16))"))]
pub enum IdentityKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "email"))]
    Email,
    /// A shop-floor worker: signs in with their employee number and a PIN.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "shop_floor"))]
    EmployeeNumber,
}

impl IdentityKind {
    /// A shop-floor worker's: shown with the "Shop-floor" badge, given a handout, never an admin.
    pub fn is_shop_floor(self) -> bool {
        self == IdentityKind::EmployeeNumber
    }
}

/// On the wire a bool, "is a shop-floor worker": the browser already reads bools, while a
/// derived enum brings its own reader per format into the WASM, several KB for two values.
impl Serialize for IdentityKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(self.is_shop_floor())
    }
}

impl<'de> Deserialize<'de> for IdentityKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let shop_floor = bool::deserialize(deserializer)?;
        Ok(if shop_floor { IdentityKind::EmployeeNumber } else { IdentityKind::Email })
    }
}

#[cfg(feature = "ssr")]
pub use values::{Canonical, Identity};

#[cfg(feature = "ssr")]
mod values {
    use super::IdentityKind;
    use crate::domain::email::WorkEmail;
    use crate::domain::employee_number::EmployeeNumber;
    use std::marker::PhantomData;

    /// Text a person is known by, as it was written (normalised) and in the canonical form
    /// uniqueness and sign-in compare. `K` says which kind it is, so an address and a number
    /// are two types; each kind's `parse` is the only way to make one from input.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Canonical<K> {
        display: String,
        canonical: String,
        kind: PhantomData<K>,
    }

    impl<K> Canonical<K> {
        /// From a kind's `parse`, once the text has passed its rule.
        pub(in crate::domain) fn parsed(display: String, canonical: String) -> Self {
            Canonical { display, canonical, kind: PhantomData }
        }

        /// As a row stores it: already parsed when it was written.
        pub(crate) fn stored(display: &str, canonical: &str) -> Self {
            Canonical::parsed(display.to_owned(), canonical.to_owned())
        }

        pub fn as_str(&self) -> &str {
            &self.display
        }

        pub fn canonical(&self) -> &str {
            &self.canonical
        }
    }

    /// A person's email address or employee number, parsed: as written and in the canonical
    /// form uniqueness and sign-in are checked on.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Identity {
        Email(WorkEmail),
        EmployeeNumber(EmployeeNumber),
    }

    impl Identity {
        /// Parses `input` as an identity of `kind`; the error is the sentence to show.
        pub fn parse(kind: IdentityKind, input: &str) -> Result<Identity, String> {
            match kind {
                IdentityKind::Email => WorkEmail::parse(input).map(Identity::Email),
                IdentityKind::EmployeeNumber => EmployeeNumber::parse(input).map(Identity::EmployeeNumber),
            }
        }

        /// What someone typed to say who they are: an address is an email, anything else is
        /// tried as an employee number. `None` when it can be neither.
        pub fn read(input: &str) -> Option<Identity> {
            let kind = if input.contains('@') { IdentityKind::Email } else { IdentityKind::EmployeeNumber };
            Identity::parse(kind, input).ok()
        }

        /// The identity a row holds: its kind, and the pair of columns (as written, canonical)
        /// of each kind. `None` when the columns of its kind are empty.
        pub fn stored(kind: IdentityKind, email: (Option<&str>, Option<&str>), number: (Option<&str>, Option<&str>)) -> Option<Identity> {
            match (kind, email, number) {
                (IdentityKind::Email, (Some(shown), Some(canonical)), _) => Some(Identity::Email(WorkEmail::stored(shown, canonical))),
                (IdentityKind::EmployeeNumber, _, (Some(shown), Some(canonical))) => {
                    Some(Identity::EmployeeNumber(EmployeeNumber::stored(shown, canonical)))
                }
                _ => None,
            }
        }

        pub fn kind(&self) -> IdentityKind {
            match self {
                Identity::Email(_) => IdentityKind::Email,
                Identity::EmployeeNumber(_) => IdentityKind::EmployeeNumber,
            }
        }

        /// As written (normalised).
        pub fn as_str(&self) -> &str {
            match self {
                Identity::Email(email) => email.as_str(),
                Identity::EmployeeNumber(number) => number.as_str(),
            }
        }

        pub fn canonical(&self) -> &str {
            match self {
                Identity::Email(email) => email.canonical(),
                Identity::EmployeeNumber(number) => number.canonical(),
            }
        }

        /// The email address, for an identity that is one.
        pub fn email(&self) -> Option<&WorkEmail> {
            match self {
                Identity::Email(email) => Some(email),
                Identity::EmployeeNumber(_) => None,
            }
        }

        /// The employee number, for an identity that is one.
        pub fn employee_number(&self) -> Option<&EmployeeNumber> {
            match self {
                Identity::Email(_) => None,
                Identity::EmployeeNumber(number) => Some(number),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn an_address_is_read_as_an_email_and_anything_else_as_an_employee_number() {
            assert_eq!(Identity::read(" Anna@Example.com").map(|i| (i.kind(), i.canonical().to_owned())), Some((IdentityKind::Email, "anna@example.com".into())));
            assert_eq!(Identity::read("AB-12").map(|i| (i.kind(), i.canonical().to_owned())), Some((IdentityKind::EmployeeNumber, "ab-12".into())));
            assert_eq!(Identity::read("not an@address"), None);
            assert_eq!(Identity::read("AB 12"), None);
        }

        #[test]
        fn a_row_holds_the_identity_of_its_kind_or_none() {
            let email = (Some("Anna@example.com"), Some("anna@example.com"));
            let number = (Some("AB-12"), Some("ab-12"));
            let found = Identity::stored(IdentityKind::Email, email, (None, None)).unwrap();
            assert_eq!((found.as_str(), found.canonical()), ("Anna@example.com", "anna@example.com"));
            let found = Identity::stored(IdentityKind::EmployeeNumber, (None, None), number).unwrap();
            assert_eq!((found.kind(), found.as_str()), (IdentityKind::EmployeeNumber, "AB-12"));
            assert_eq!(Identity::stored(IdentityKind::EmployeeNumber, email, (None, None)), None);
        }
    }
}

#[cfg(test)]
mod wire_tests {
    use super::IdentityKind;

    #[test]
    fn on_the_wire_a_kind_is_whether_the_person_works_on_the_shop_floor() {
        for kind in [IdentityKind::Email, IdentityKind::EmployeeNumber] {
            let sent = serde_json::to_string(&kind).unwrap();
            assert_eq!(sent, kind.is_shop_floor().to_string());
            assert_eq!(serde_json::from_str::<IdentityKind>(&sent).unwrap(), kind);
        }
    }
}
