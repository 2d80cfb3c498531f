//! Domain types shared by the server and the browser.

mod role;
pub use role::Role;

#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod password;
pub mod password_policy;
pub mod unit_name;
