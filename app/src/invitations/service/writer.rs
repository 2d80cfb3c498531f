//! One task per server that writes the email invitations sent at the same moment as one
//! batch. While a batch is being written, the next one gathers; at a quiet moment a batch is
//! a single invitation and goes at once.

use super::send::{EmailInvite, PreparedInvite, prepare_email_invite, write_email_invites};
use crate::error::AppError;
use crate::mail::outbox::OutboxSignal;
use crate::ssr::{Actor, Settings};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Invites someone by email: checks every rule, then the writer task writes the invitation,
/// its email (to the outbox) and an audit event in one transaction, possibly with others sent
/// at the same moment, and wakes the outbox worker. Answers the new invitation's id and the
/// address as stored.
///
/// An address that already has an account or a pending invitation gets one generic
/// `InvitationUnavailable`, and the attempt still counts against the hourly limit.
pub async fn send_email_invitation(
    db: &impl ConnectionTrait,
    writer: &InvitationWriter,
    actor: &Actor,
    now: DateTime<Utc>,
    input: EmailInvite,
) -> Result<(i32, String), AppError> {
    let invite = prepare_email_invite(db, actor, writer.settings(), now, input).await?;
    let address = invite.address().to_owned();
    let id = writer.write(invite).await?;
    Ok((id, address))
}

/// The most invitations written in one transaction.
const MAX_BATCH: usize = 64;

type Job = (PreparedInvite, oneshot::Sender<Result<i32, AppError>>);

/// Hands prepared invitations to the writing task; cheap to clone.
#[derive(Clone)]
pub struct InvitationWriter {
    queue: mpsc::Sender<Job>,
    settings: Arc<Settings>,
}

impl InvitationWriter {
    /// Starts the writing task on the current Tokio runtime, under the operator's hourly limit
    /// (`settings.invite_rate_limit`). After each batch that queued mail, it wakes the outbox.
    /// If the task panics it is started again (`supervise`); the requests in the batch it was
    /// writing get an error, the rest wait for the new task.
    pub fn start(db: DatabaseConnection, settings: Arc<Settings>, outbox: OutboxSignal) -> Self {
        let (queue, jobs) = mpsc::channel::<Job>(1024);
        let jobs = Arc::new(tokio::sync::Mutex::new(jobs));
        let limit = settings.invite_rate_limit;
        tokio::spawn(crate::ssr::supervise::supervise("invitation writer", move || {
            let (db, outbox, jobs) = (db.clone(), outbox.clone(), jobs.clone());
            async move {
                let mut jobs = jobs.lock().await;
                let mut waiting = Vec::with_capacity(MAX_BATCH);
                while jobs.recv_many(&mut waiting, MAX_BATCH).await > 0 {
                    let (batch, replies): (Vec<_>, Vec<_>) = waiting.drain(..).unzip();
                    let (size, started) = (batch.len(), std::time::Instant::now());
                    let answers = write_email_invites(&db, limit, batch).await;
                    tracing::debug!(size, micros = started.elapsed().as_micros() as u64, "invitation batch written");
                    if answers.iter().any(Result::is_ok) {
                        outbox.wake();
                    }
                    for (reply, answer) in replies.into_iter().zip(answers) {
                        // The request may have gone (the client hung up); the invitation stands.
                        let _ = reply.send(answer);
                    }
                }
            }
        }));
        InvitationWriter { queue, settings }
    }

    /// The settings invitations are prepared and limited under.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Writes `invite` in the next batch; answers its id or why it was refused.
    pub async fn write(&self, invite: PreparedInvite) -> Result<i32, AppError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || AppError::internal("the invitation writer has stopped");
        self.queue.send((invite, reply)).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}
