//! Whether an identity (an email address or an employee number, in canonical form) is free to
//! invite: no account has it, and no open invitation holds it. One answer for the Invite
//! dialog, a batch of invitations, a shop-floor invitation, a Resend and the import preview
//! (which shows "taken" only where the admin could see it). Accounts and pending
//! invitations are always both looked up, in one statement, so "already a user" and "already
//! invited" cost the same and look the same. The unique indexes (accounts; pending
//! invitations) back this up against another server instance a moment ago.

use crate::domain::{Identity, IdentityKind};
use crate::error::AppError;
use crate::policy::Scope;
use crate::ssr::models::invitation::{IS_PENDING, mark_expired};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, UnionType};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use std::collections::HashMap;

/// The column each kind of identity is kept in, in `users` and in `invitations`.
fn column(kind: IdentityKind) -> &'static str {
    match kind {
        IdentityKind::Email => "email_canonical",
        IdentityKind::EmployeeNumber => "employee_number_canonical",
    }
}

/// The refusal when an identity of `kind` is taken: one sentence per kind, which never tells
/// an account from a pending invitation.
pub fn unavailable(kind: IdentityKind) -> AppError {
    match kind {
        IdentityKind::Email => AppError::InvitationUnavailable,
        IdentityKind::EmployeeNumber => AppError::EmployeeNumberUnavailable,
    }
}

/// One row found: an account (no id, no expiry) or a pending invitation, with its department.
#[derive(FromQueryResult)]
struct Use {
    id: Option<i32>,
    identity: String,
    expires_at: Option<DateTime<Utc>>,
    department_id: Option<i32>,
}

struct Pending {
    id: i32,
    expires_at: DateTime<Utc>,
    department_id: Option<i32>,
}

/// What already uses a set of identities of one kind: accounts with their department, and
/// pending invitations with their expiry and department.
pub struct IdentityUses {
    accounts: HashMap<String, Option<i32>>,
    pending: HashMap<String, Pending>,
}

/// Identities looked up per statement: SQLite and PostgreSQL both bound a statement's values.
const PER_STATEMENT: usize = 500;

impl IdentityUses {
    /// Looks up `identities` (canonical forms), in one statement per [`PER_STATEMENT`].
    pub async fn find(db: &impl ConnectionTrait, kind: IdentityKind, identities: Vec<String>) -> Result<Self, DbErr> {
        let mut found = IdentityUses { accounts: HashMap::new(), pending: HashMap::new() };
        let column = column(kind);
        let no = || Expr::cust("NULL");
        for chunk in identities.chunks(PER_STATEMENT) {
            let uses = Query::select()
                .expr_as(no(), "id")
                .expr_as(Expr::col(column), "identity")
                .expr_as(no(), "expires_at")
                .column("department_id")
                .from("users")
                .and_where(Expr::col(column).is_in(chunk.to_vec()))
                .union(
                    UnionType::All,
                    Query::select()
                        .column("id")
                        .expr_as(Expr::col(column), "identity")
                        .column("expires_at")
                        .column("department_id")
                        .from("invitations")
                        .and_where(Expr::col(column).is_in(chunk.to_vec()))
                        .and_where(Expr::cust(IS_PENDING))
                        .to_owned(),
                )
                .to_owned();
            for row in Use::find_by_statement(db.get_database_backend().build(&uses)).all(db).await? {
                match (row.id, row.expires_at) {
                    (Some(id), Some(expires_at)) => {
                        found.pending.insert(row.identity, Pending { id, expires_at, department_id: row.department_id });
                    }
                    _ => {
                        found.accounts.insert(row.identity, row.department_id);
                    }
                }
            }
        }
        Ok(found)
    }

    /// Whether `identity` is free at `now`: no account, and no pending invitation that has not
    /// run out, other than `except` (the invitation being resent).
    pub fn is_free(&self, identity: &str, now: DateTime<Utc>, except: Option<i32>) -> bool {
        let held = self.pending.get(identity).is_some_and(|p| p.expires_at > now && Some(p.id) != except);
        !self.accounts.contains_key(identity) && !held
    }

    /// Whether an account or an invitation open at `now` holds `identity` in a department
    /// `scope` covers: what the import preview may show as taken. Elsewhere it shows as free,
    /// and sending it fails with the generic words, as in the Invite dialog.
    pub fn taken_in_sight(&self, identity: &str, now: DateTime<Utc>, scope: Scope) -> bool {
        let account = self.accounts.get(identity).is_some_and(|&department| scope.covers(department));
        let held = self.pending.get(identity).is_some_and(|p| p.expires_at > now && scope.covers(p.department_id));
        account || held
    }

    /// Marks the pending invitations found that had run out by `now` as expired, so they no
    /// longer hold their identity (nor its unique index).
    pub async fn expire_stale(&self, db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
        let stale = self.pending.values().filter(|p| p.expires_at <= now).map(|p| p.id).collect();
        mark_expired(db, stale).await
    }
}

/// Whether one identity is free at `now` (see [`IdentityUses::is_free`]); pending invitations
/// for it that have run out are marked expired on the way.
pub async fn is_free(db: &impl ConnectionTrait, identity: &Identity, now: DateTime<Utc>, except: Option<i32>) -> Result<bool, DbErr> {
    let uses = IdentityUses::find(db, identity.kind(), vec![identity.canonical().to_owned()]).await?;
    uses.expire_stale(db, now).await?;
    Ok(uses.is_free(identity.canonical(), now, except))
}
