//! Sending email invitations, one or many at once: one transaction and a handful of
//! statements for any number of invitations. Everything that needs no lock (the checks on the
//! input, the token, the email's content) happens before, in [`prepare_email_invite`]; the
//! writer task (`writer.rs`, which also has the one entry point, `send_email_invitation`) then
//! writes whatever is waiting as one batch with [`write_email_invites`].
//!
//! A batch holds the rules of a single invitation, in the same order: the hourly limit first,
//! then duplicates (an address with an account or a live invitation, or named twice in the
//! batch, gets the generic error and its attempt counts), then the invitation, its outbox
//! row and its audit event.

use super::assignment::{Assignment, check_assignment};
use super::availability::IdentityUses;
use super::rate_limit::reserve_attempts;
use super::records::{clash_or_internal, invitation_event, invitation_mail, pending_row, reminder_of};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, record_many};
use crate::domain::email::WorkEmail;
use crate::error::AppError;
use crate::ssr::models::import_row::{Settled, settle};
use crate::mail::outbox;
use crate::mail::templates::MailContent;
use crate::organisation::dto::{DepartmentId, LocationId};
use crate::domain::IdentityKind;
use crate::policy::Scope;
use crate::ssr::entities::invitation;
use crate::ssr::tokens::SecretToken;
use crate::ssr::{Actor, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryTrait};
use std::collections::{HashMap, HashSet};

/// An email invitation as the admin filled it in; nothing here is trusted yet.
#[derive(Clone, Debug, Default)]
pub struct EmailInvite {
    pub email: String,
    pub role: String,
    pub department_id: Option<DepartmentId>,
    pub location_id: Option<LocationId>,
}

/// An email invitation that passed every check not needing the database's write lock, with
/// its token's hash and its email's content (the raw token lives only in that content).
pub struct PreparedInvite {
    admin_id: i32,
    email: WorkEmail,
    assignment: Assignment,
    token_hash: String,
    mail: MailContent,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// The import row this invitation comes from: settled in the same transaction.
    import_row: Option<i32>,
    /// When its reminder is due and what it says (`INVITE_REMINDER`), if it gets one.
    reminder: Option<(DateTime<Utc>, MailContent)>,
}

impl PreparedInvite {
    /// The address as it will be stored.
    pub fn address(&self) -> &str {
        self.email.as_str()
    }

    /// This invitation comes from import row `id`, which is settled (sent, or refused as taken)
    /// in the transaction that writes it, so a row is never sent twice nor lost.
    pub fn from_import_row(self, id: i32) -> Self {
        PreparedInvite { import_row: Some(id), ..self }
    }
}

/// Checks who may invite whom into what, parses the address, and makes the token and email.
pub async fn prepare_email_invite(
    db: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    input: EmailInvite,
) -> Result<PreparedInvite, AppError> {
    let scope = Scope::of(actor)?;
    let email = WorkEmail::parse(&input.email).map_err(|msg| AppError::field("email", msg))?;
    let assignment =
        check_assignment(db, scope, IdentityKind::Email, &input.role, input.department_id, input.location_id).await?;
    let token = SecretToken::generate();
    let expires_at = settings.invitation_expiry(now);
    let mail = invitation_mail(settings, &actor.name, &assignment, &token, expires_at);
    let reminder = reminder_of(settings, &mail, &token.hash(), now, expires_at);
    Ok(PreparedInvite {
        admin_id: actor.user_id,
        email,
        assignment,
        token_hash: token.hash(),
        mail,
        now,
        expires_at,
        import_row: None,
        reminder,
    })
}

/// Writes `batch` under an hourly limit of `limit`: each answer is the new invitation's id or
/// why it was refused. If the batch as a whole fails (another server instance took one of its
/// addresses a moment ago, say), each invitation is tried on its own, so one cannot sink the
/// others.
pub async fn write_email_invites(db: &DatabaseConnection, limit: u32, batch: Vec<PreparedInvite>) -> Vec<Result<i32, AppError>> {
    match write_batch(db, limit, &batch).await {
        Ok(answers) => answers,
        Err(err) if batch.len() > 1 => {
            tracing::warn!(error = %err, size = batch.len(), "invitation batch failed; writing its invitations one by one");
            let mut answers = Vec::with_capacity(batch.len());
            for invite in batch {
                answers.push(write_one(db, limit, invite).await);
            }
            answers
        }
        Err(err) => vec![Err(refusal(err))],
    }
}

async fn write_one(db: &DatabaseConnection, limit: u32, invite: PreparedInvite) -> Result<i32, AppError> {
    match write_batch(db, limit, std::slice::from_ref(&invite)).await {
        Ok(mut answers) => answers.pop().unwrap_or_else(|| Err(AppError::internal("a batch of one answered nothing"))),
        Err(err) => Err(refusal(err)),
    }
}

/// A unique-index clash means the address was invited a moment ago by another instance.
fn refusal(err: DbErr) -> AppError {
    clash_or_internal(err, AppError::InvitationUnavailable)
}

async fn write_batch(db: &DatabaseConnection, limit: u32, batch: &[PreparedInvite]) -> Result<Vec<Result<i32, AppError>>, DbErr> {
    let txn = begin_write(db).await?;
    let attempts: Vec<_> = batch.iter().map(|i| (i.admin_id, i.now)).collect();
    let mut answers: Vec<Result<i32, AppError>> =
        reserve_attempts(&txn, limit, &attempts).await?.into_iter().map(|r| r.map(|()| 0)).collect();
    let counted: Vec<usize> = (0..batch.len()).filter(|&i| answers[i].is_ok()).collect();
    let addresses = counted.iter().map(|&i| batch[i].email.canonical().to_owned()).collect();
    let uses = IdentityUses::find(&txn, IdentityKind::Email, addresses).await?;
    let mut named = HashSet::new();
    let mut fresh = Vec::new();
    for i in counted {
        let invite = &batch[i];
        let address = invite.email.canonical();
        if !uses.is_free(address, invite.now, None) || !named.insert(address) {
            answers[i] = Err(AppError::InvitationUnavailable);
        } else {
            fresh.push(i);
        }
    }
    if let Some(latest) = batch.iter().map(|i| i.now).max() {
        uses.expire_stale(&txn, latest).await?;
    }
    if !fresh.is_empty() {
        let ids = insert_invitations(&txn, fresh.iter().map(|&i| &batch[i])).await?;
        let mut mail = Vec::new();
        let mut events = Vec::new();
        for (&i, &id) in fresh.iter().zip(&ids) {
            let invite = &batch[i];
            mail.push(outbox::row(Some(id), invite.email.as_str(), &invite.mail, invite.now));
            if let Some((due, reminder)) = &invite.reminder {
                mail.push(outbox::reminder_row(id, invite.email.as_str(), reminder, *due, invite.now));
            }
            events.push((sent_event(invite, id), invite.now));
            answers[i] = Ok(id);
        }
        outbox::enqueue_many(&txn, mail).await?;
        record_many(&txn, events).await?;
    }
    for (invite, answer) in batch.iter().zip(&answers) {
        if let Some(row) = invite.import_row {
            match answer {
                Ok(id) => settle(&txn, row, Settled::Sent(*id), invite.now).await?,
                Err(refused @ AppError::InvitationUnavailable) => {
                    settle(&txn, row, Settled::Failed(&refused.to_string()), invite.now).await?
                }
                // Over the hourly limit: the row waits for the window to free.
                Err(_) => {}
            }
        }
    }
    txn.commit().await?;
    for (invite, answer) in batch.iter().zip(&answers) {
        if let Ok(id) = answer {
            tracing::info!(invitation_id = id, admin_id = invite.admin_id, "invitation sent");
        }
    }
    Ok(answers)
}

fn sent_event(invite: &PreparedInvite, id: i32) -> crate::audit::service::NewAuditEvent {
    let who = AuditDetails::who(Some(invite.email.as_str().to_owned()), None);
    let department = invite.assignment.department_id();
    invitation_event(AuditEventType::InvitationSent, invite.admin_id, id, department, who, Some(&invite.assignment))
}

#[derive(FromQueryResult)]
struct Inserted {
    id: i32,
    token_hash: String,
}

/// Inserts pending invitations in one statement; answers their ids in the order given.
async fn insert_invitations<'a>(
    txn: &impl ConnectionTrait,
    invites: impl Iterator<Item = &'a PreparedInvite>,
) -> Result<Vec<i32>, DbErr> {
    let invites: Vec<&PreparedInvite> = invites.collect();
    let rows = invites.iter().map(|invite| {
        let identity = invitation::ActiveModel {
            kind: Set(IdentityKind::Email),
            email: Set(Some(invite.email.as_str().to_owned())),
            email_canonical: Set(Some(invite.email.canonical().to_owned())),
            ..Default::default()
        };
        pending_row(invite.admin_id, &invite.assignment, identity, invite.token_hash.clone(), invite.now, invite.expires_at)
    });
    let mut insert = invitation::Entity::insert_many(rows);
    insert.query().returning(Query::returning().columns(["id", "token_hash"]));
    let rows = Inserted::find_by_statement(insert.build(txn.get_database_backend())).all(txn).await?;
    let ids: HashMap<String, i32> = rows.into_iter().map(|r| (r.token_hash, r.id)).collect();
    invites
        .iter()
        .map(|i| ids.get(&i.token_hash).copied().ok_or_else(|| DbErr::RecordNotInserted))
        .collect()
}
