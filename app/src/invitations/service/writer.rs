//! One task per server that writes the email invitations sent at the same moment as one
//! batch. While a batch is being written, the next one gathers; at a quiet moment a batch is
//! a single invitation and goes at once.

use super::batch::{PreparedInvite, write_email_invites};
use crate::error::AppError;
use sea_orm::DatabaseConnection;
use tokio::sync::{mpsc, oneshot};

/// The most invitations written in one transaction.
const MAX_BATCH: usize = 64;

type Job = (PreparedInvite, oneshot::Sender<Result<i32, AppError>>);

/// Hands prepared invitations to the writing task; cheap to clone.
#[derive(Clone)]
pub struct InvitationWriter {
    queue: mpsc::Sender<Job>,
}

impl InvitationWriter {
    /// Starts the writing task on the current Tokio runtime, under an hourly limit of `limit`.
    pub fn start(db: DatabaseConnection, limit: u32) -> Self {
        let (queue, mut jobs) = mpsc::channel::<Job>(1024);
        tokio::spawn(async move {
            let mut waiting = Vec::with_capacity(MAX_BATCH);
            while jobs.recv_many(&mut waiting, MAX_BATCH).await > 0 {
                let (batch, replies): (Vec<_>, Vec<_>) = waiting.drain(..).unzip();
                let (size, started) = (batch.len(), std::time::Instant::now());
                let answers = write_email_invites(&db, limit, batch).await;
                tracing::debug!(size, micros = started.elapsed().as_micros() as u64, "invitation batch written");
                for (reply, answer) in replies.into_iter().zip(answers) {
                    // The request may have gone (the client hung up); the invitation stands.
                    let _ = reply.send(answer);
                }
            }
        });
        InvitationWriter { queue }
    }

    /// Writes `invite` in the next batch; answers its id or why it was refused.
    pub async fn write(&self, invite: PreparedInvite) -> Result<i32, AppError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || {
            tracing::error!("the invitation writer has stopped");
            AppError::Internal
        };
        self.queue.send((invite, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}
