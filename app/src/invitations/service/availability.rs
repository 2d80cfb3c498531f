//! Whether an identity (an email address or an employee number, in canonical form) is free to
//! invite: no account has it, and no open invitation holds it. One answer for the Invite
//! dialog, a batch of invitations, a shop-floor invitation and a Resend. Accounts and pending
//! invitations are always both looked up, in one statement, so "already a user" and "already
//! invited" cost the same and look the same. The unique indexes (accounts; pending
//! invitations) back this up against another server instance a moment ago.

use crate::ssr::models::invitation::{IS_PENDING, mark_expired};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, UnionType};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};
use std::collections::{HashMap, HashSet};

/// Which kind of identity: each is its own column in `users` and `invitations`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentityKind {
    Email,
    EmployeeNumber,
}

impl IdentityKind {
    fn column(self) -> &'static str {
        match self {
            IdentityKind::Email => "email_canonical",
            IdentityKind::EmployeeNumber => "employee_number_canonical",
        }
    }
}

/// One row found: an account (no id, no expiry) or a pending invitation.
#[derive(FromQueryResult)]
struct Use {
    id: Option<i32>,
    identity: String,
    expires_at: Option<DateTime<Utc>>,
}

struct Pending {
    id: i32,
    expires_at: DateTime<Utc>,
}

/// What already uses a set of identities of one kind: accounts, and pending invitations with
/// their expiry.
pub struct IdentityUses {
    accounts: HashSet<String>,
    pending: HashMap<String, Pending>,
}

impl IdentityUses {
    /// Looks up `identities` (canonical forms) in one statement.
    pub async fn find(db: &impl ConnectionTrait, kind: IdentityKind, identities: Vec<String>) -> Result<Self, DbErr> {
        let mut found = IdentityUses { accounts: HashSet::new(), pending: HashMap::new() };
        if identities.is_empty() {
            return Ok(found);
        }
        let column = kind.column();
        let no = || Expr::cust("NULL");
        let uses = Query::select()
            .expr_as(no(), "id")
            .expr_as(Expr::col(column), "identity")
            .expr_as(no(), "expires_at")
            .from("users")
            .and_where(Expr::col(column).is_in(identities.clone()))
            .union(
                UnionType::All,
                Query::select()
                    .column("id")
                    .expr_as(Expr::col(column), "identity")
                    .column("expires_at")
                    .from("invitations")
                    .and_where(Expr::col(column).is_in(identities))
                    .and_where(Expr::cust(IS_PENDING))
                    .to_owned(),
            )
            .to_owned();
        for row in Use::find_by_statement(db.get_database_backend().build(&uses)).all(db).await? {
            match (row.id, row.expires_at) {
                (Some(id), Some(expires_at)) => {
                    found.pending.insert(row.identity, Pending { id, expires_at });
                }
                _ => {
                    found.accounts.insert(row.identity);
                }
            }
        }
        Ok(found)
    }

    /// Whether `identity` is free at `now`: no account, and no pending invitation that has not
    /// run out, other than `except` (the invitation being resent).
    pub fn is_free(&self, identity: &str, now: DateTime<Utc>, except: Option<i32>) -> bool {
        let held = self.pending.get(identity).is_some_and(|p| p.expires_at > now && Some(p.id) != except);
        !self.accounts.contains(identity) && !held
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
pub async fn is_free(
    db: &impl ConnectionTrait,
    kind: IdentityKind,
    identity: &str,
    now: DateTime<Utc>,
    except: Option<i32>,
) -> Result<bool, DbErr> {
    let uses = IdentityUses::find(db, kind, vec![identity.to_owned()]).await?;
    uses.expire_stale(db, now).await?;
    Ok(uses.is_free(identity, now, except))
}
