//! Writing email invitations in batches: one transaction and a handful of statements for any
//! number of invitations, where each used to take seven. Everything that needs no lock (the
//! checks on the input, the token, the email's content) happens before, in `prepare`.
//!
//! A batch holds the rules of a single invitation, in the same order: the hourly limit first,
//! then duplicates (an address with an account or a live invitation, or named twice in the
//! batch, gets the generic error and its attempt counts), then the invitation, its outbox
//! row and its audit event.

use super::invite::{
    Assignment, EmailInvite, audit_details, check_assignment, clash_or_internal, invitation_mail, pending_row,
};
use super::rate_limit::reserve_attempts;
use crate::audit::service::{NewAuditEvent, record_many};
use crate::domain::email::WorkEmail;
use crate::error::AppError;
use crate::mail::outbox;
use crate::mail::templates::MailContent;
use crate::ssr::entities::invitation;
use crate::ssr::tokens::SecretToken;
use crate::ssr::{Actor, Scope, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, UnionType};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryTrait};
use std::collections::{HashMap, HashSet};

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
}

impl PreparedInvite {
    /// The address as it will be stored.
    pub fn address(&self) -> &str {
        self.email.as_str()
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
    let assignment = check_assignment(db, scope, &input.role, input.department_id, input.location_id).await?;
    let token = SecretToken::generate();
    let expires_at = now + settings.invite_ttl;
    let mail = invitation_mail(settings, &actor.name, &assignment, &token, expires_at);
    Ok(PreparedInvite { admin_id: actor.user_id, email, assignment, token_hash: token.hash(), mail, now, expires_at })
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
        Ok(mut answers) => answers.pop().unwrap_or(Err(AppError::Internal)),
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
    let uses = AddressUses::find(&txn, counted.iter().map(|&i| &batch[i])).await?;
    let mut named = HashSet::new();
    let mut fresh = Vec::new();
    for i in counted {
        let invite = &batch[i];
        if uses.taken(invite.email.canonical(), invite.now) || !named.insert(invite.email.canonical()) {
            answers[i] = Err(AppError::InvitationUnavailable);
        } else {
            fresh.push(i);
        }
    }
    uses.expire_stale(&txn, batch.iter().map(|i| i.now).max()).await?;
    if !fresh.is_empty() {
        let ids = insert_invitations(&txn, fresh.iter().map(|&i| &batch[i])).await?;
        let mut mail = Vec::new();
        let mut events = Vec::new();
        for (&i, &id) in fresh.iter().zip(&ids) {
            let invite = &batch[i];
            mail.push(outbox::row(Some(id), invite.email.as_str(), &invite.mail, invite.now));
            events.push((sent_event(invite, id), invite.now));
            answers[i] = Ok(id);
        }
        outbox::enqueue_many(&txn, mail).await?;
        record_many(&txn, events).await?;
    }
    txn.commit().await?;
    for (invite, answer) in batch.iter().zip(&answers) {
        if let Ok(id) = answer {
            tracing::info!(invitation_id = id, admin_id = invite.admin_id, "invitation sent");
        }
    }
    Ok(answers)
}

fn sent_event(invite: &PreparedInvite, id: i32) -> NewAuditEvent {
    NewAuditEvent {
        event_type: "invitation.sent",
        actor_user_id: Some(invite.admin_id),
        subject_type: "invitation",
        subject_id: Some(id),
        department_id: invite.assignment.department.as_ref().map(|d| d.id),
        details: audit_details(serde_json::json!({ "email": invite.email.as_str() }), &invite.assignment),
    }
}

/// One row of `AddressUses::find`: an account (no id, no expiry) or a pending invitation.
#[derive(FromQueryResult)]
struct AddressUse {
    id: Option<i32>,
    email_canonical: String,
    expires_at: Option<DateTime<Utc>>,
}

struct Pending {
    id: i32,
    expires_at: DateTime<Utc>,
}

/// What already uses the batch's addresses: accounts, and pending invitations with their
/// expiry. Both are always looked up, so an existing account and a pending invitation cost
/// the same.
struct AddressUses {
    accounts: HashSet<String>,
    pending: HashMap<String, Pending>,
}

impl AddressUses {
    async fn find<'a>(txn: &impl ConnectionTrait, invites: impl Iterator<Item = &'a PreparedInvite>) -> Result<Self, DbErr> {
        let addresses: Vec<String> = invites.map(|i| i.email.canonical().to_owned()).collect();
        if addresses.is_empty() {
            return Ok(AddressUses { accounts: HashSet::new(), pending: HashMap::new() });
        }
        // One statement for both, in the writer's critical section.
        let no = || Expr::cust("NULL");
        let uses = Query::select()
            .expr_as(no(), "id")
            .column("email_canonical")
            .expr_as(no(), "expires_at")
            .from("users")
            .and_where(Expr::col("email_canonical").is_in(addresses.clone()))
            .union(
                UnionType::All,
                Query::select()
                    .columns(["id", "email_canonical", "expires_at"])
                    .from("invitations")
                    .and_where(Expr::col("email_canonical").is_in(addresses))
                    .and_where(Expr::cust(invitation::IS_PENDING))
                    .to_owned(),
            )
            .to_owned();
        let rows = AddressUse::find_by_statement(txn.get_database_backend().build(&uses)).all(txn).await?;
        let mut found = AddressUses { accounts: HashSet::new(), pending: HashMap::new() };
        for row in rows {
            match (row.id, row.expires_at) {
                (Some(id), Some(expires_at)) => {
                    found.pending.insert(row.email_canonical, Pending { id, expires_at });
                }
                _ => {
                    found.accounts.insert(row.email_canonical);
                }
            }
        }
        Ok(found)
    }

    /// An account, or a pending invitation that has not run out by `now`.
    fn taken(&self, address: &str, now: DateTime<Utc>) -> bool {
        self.accounts.contains(address) || self.pending.get(address).is_some_and(|p| p.expires_at > now)
    }

    /// Marks the pending invitations found that had run out by `now` as expired, so they no
    /// longer hold their address.
    async fn expire_stale(&self, txn: &impl ConnectionTrait, now: Option<DateTime<Utc>>) -> Result<(), DbErr> {
        let Some(now) = now else { return Ok(()) };
        let stale: Vec<i32> = self.pending.values().filter(|p| p.expires_at <= now).map(|p| p.id).collect();
        if stale.is_empty() {
            return Ok(());
        }
        let update = Query::update()
            .table("invitations")
            .value("status", invitation::EXPIRED)
            .and_where(Expr::col("id").is_in(stale))
            .to_owned();
        txn.execute(&update).await?;
        Ok(())
    }
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
            kind: Set(invitation::KIND_EMAIL.to_owned()),
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
