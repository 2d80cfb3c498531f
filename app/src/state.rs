//! Everything a request needs, put together once by the server: the composition root, above
//! the features it holds.

use crate::error::AppError;
use crate::invitations::service::InvitationWriter;
use crate::mail::outbox::OutboxSignal;
use crate::ssr::{Clock, Settings};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub clock: Arc<dyn Clock>,
    /// A hash verified against when sign-in finds no user, so both failures take equal time.
    pub decoy_hash: Arc<str>,
    /// Wakes the outbox worker when new mail is committed.
    pub outbox: OutboxSignal,
    /// Writes email invitations sent at the same moment in one batch.
    pub invitations: InvitationWriter,
}

/// The shared state, placed on every request by the server.
pub fn app_state() -> Result<AppState, AppError> {
    crate::ssr::request_extension::<AppState>()
}
