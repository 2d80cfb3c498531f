//! Domain types shared by the server and the browser.

mod role;
pub use role::Role;

#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod password;
pub mod unit_name;
