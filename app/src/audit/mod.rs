//! The audit trail: what happened, who did it, to whom.

#[cfg(feature = "ssr")]
pub mod service;
