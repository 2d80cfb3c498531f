//! What every request needs, put together once by the server. It names no feature's type: a
//! feature's own handle (the invitation writer, say) travels as a request extension of its own,
//! so features depend on this and never the other way round.

use crate::error::AppError;
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
}

/// The shared state, placed on every request by the server.
pub fn app_state() -> Result<AppState, AppError> {
    crate::ssr::request_extension::<AppState>()
}
