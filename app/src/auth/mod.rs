//! Signing in and out, sessions, and the signed-in user.

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use dto::{CurrentUser, SignedInAs};
