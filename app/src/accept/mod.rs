//! Accepting an invitation: the link page, the password and profile form, and completing
//! sign-up.

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;
