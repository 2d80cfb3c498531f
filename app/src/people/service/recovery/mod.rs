//! Getting back into an existing account: password reset links (`password`), "Forgot
//! password?" (`forgot`) and PIN-reset handouts (`pin`), with what they share (`resets`).
//!
//! A person has at most one live reset of each kind: issuing one kills the one before.
//! Completing either ends every session of the account and starts one in this browser.

mod forgot;
mod password;
mod pin;
mod resets;

pub use forgot::forgot_password;
pub use password::{RESET_COOKIE, complete_password_reset, reset_clear_cookie, reset_cookie, reset_link_valid, reset_set_cookie, send_password_reset};
pub use pin::{complete_pin_reset, reset_pin};
