//! Signing in and out, sessions, and the signed-in user.

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;

pub use dto::CurrentUser;
