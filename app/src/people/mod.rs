//! A person after they join: their page, changes to their role, department and location,
//! deactivation and reactivation, and getting back in (password reset, PIN reset, unlock).

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;
