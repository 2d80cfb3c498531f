//! Table definitions, kept to columns only; rules live in the feature services.

pub mod department;
pub mod invitation;
pub mod location;
pub mod session;
pub mod user;
