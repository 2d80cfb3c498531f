//! Domain types shared by the server and the browser.

mod identity;
mod role;
#[cfg(feature = "ssr")]
pub use identity::{Canonical, Identity};
pub use identity::IdentityKind;
pub use role::Role;

#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod employee_number;
pub mod language;
#[cfg(feature = "ssr")]
pub mod password;
pub mod password_policy;
pub mod person_name;
pub mod pin_policy;
#[cfg(feature = "ssr")]
pub mod setup_code;
pub mod unit_name;
