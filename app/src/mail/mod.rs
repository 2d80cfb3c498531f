//! Outgoing mail: templates, the outbox table, the transport, and the background worker.

pub mod outbox;
pub mod templates;
pub mod transport;
pub mod worker;

pub use transport::{Mailer, SendError};
