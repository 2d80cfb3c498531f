//! The import worker: every server instance runs one. It carries on any import that is due
//! (its own or one another instance left), and looks again every `poll`.

use super::job::run_due;
use crate::mail::outbox::OutboxSignal;
use crate::ssr::{Clock, Settings};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// A name for this server instance that no other instance has.
pub fn instance_name() -> String {
    let random = crate::ssr::tokens::SecretToken::generate().hash();
    format!("instance-{}", &random[..16])
}

/// Runs imports until the server stops.
pub async fn run(db: DatabaseConnection, settings: Arc<Settings>, clock: Arc<dyn Clock>, outbox: OutboxSignal, poll: std::time::Duration) {
    let owner = instance_name();
    loop {
        match run_due(&db, &settings, clock.as_ref(), &outbox, &owner).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(err) => tracing::error!(error = %err, "import round failed; trying again shortly"),
        }
        tokio::time::sleep(poll).await;
    }
}
