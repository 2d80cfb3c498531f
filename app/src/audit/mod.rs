//! The audit trail: what happened, who did it, to whom.

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;
