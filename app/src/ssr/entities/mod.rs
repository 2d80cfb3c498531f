//! Table definitions, kept to columns only; rules live in the feature services.

pub mod access_reset;
pub mod audit_event;
pub mod department;
pub mod import;
pub mod import_row;
pub mod invitation;
pub mod invite_attempt;
pub mod location;
pub mod outbox;
pub mod search_term;
pub mod session;
pub mod user;
