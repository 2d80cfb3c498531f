//! Indexes that match how the lists and the outbox read, so no read costs more as a table
//! grows (`bench/README.md`, "Lists at 100k rows", has the query plans before and after).
//!
//! - Each list is read newest first (Users by name) from a given row on, optionally of one
//!   status, department or event type: one index per filter, ending in the list's order, so
//!   a page is a walk along an index from that row and never a sort of the whole table.
//! - The Invitations tab shows each invitation's newest email: the outbox by invitation.
//! - The outbox worker claims due mail in order of when it is due, from an index that holds
//!   only the mail still waiting; the sent history (almost every row) is never scanned. Mail
//!   whose sender's lease ran out is found through a second index that holds only mail being
//!   sent.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (name, table, columns) of the plain indexes this migration adds.
const INDEXES: [(&str, &str, &[&str]); 9] = [
    ("idx_invitations_list", "invitations", &["created_at", "id"]),
    ("idx_invitations_status_list", "invitations", &["status", "created_at", "id"]),
    ("idx_invitations_department_list", "invitations", &["department_id", "created_at", "id"]),
    ("idx_outbox_invitation", "email_outbox", &["invitation_id", "id"]),
    ("idx_users_list", "users", &["status", "name", "id"]),
    ("idx_users_department_list", "users", &["department_id", "status", "name", "id"]),
    ("idx_audit_list", "audit_events", &["occurred_at", "id"]),
    ("idx_audit_department_list", "audit_events", &["department_id", "occurred_at", "id"]),
    ("idx_audit_type_list", "audit_events", &["event_type", "occurred_at", "id"]),
];

/// Indexes the new ones make redundant: each is a prefix of one above, or (the outbox's) one
/// the claim no longer uses.
const REPLACED: [(&str, &str, &[&str]); 3] = [
    ("idx_users_department", "users", &["department_id"]),
    ("idx_audit_occurred", "audit_events", &["occurred_at"]),
    ("idx_outbox_due", "email_outbox", &["status", "next_attempt_at"]),
];

/// A plain index `name` on `table` over `columns`, in order.
pub(crate) fn index(name: &str, table: &str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table.to_owned());
    for column in columns {
        index.col(*column);
    }
    index.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in INDEXES {
            manager.create_index(index(name, table, columns)).await?;
        }
        // Written exactly as the claim in `app/src/mail/outbox.rs` writes its conditions: a
        // partial index serves only queries whose conditions contain its own.
        manager
            .create_index(
                index("idx_outbox_waiting", "email_outbox", &["next_attempt_at", "id"])
                    .and_where(Expr::col("status").is_in(["queued", "retrying"]))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("idx_outbox_leased", "email_outbox", &["locked_until", "id"])
                    .and_where(Expr::col("status").eq("sending"))
                    .to_owned(),
            )
            .await?;
        for (name, table, _) in REPLACED {
            manager.drop_index(Index::drop().name(name).table(table.to_owned()).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, columns) in REPLACED {
            manager.create_index(index(name, table, columns)).await?;
        }
        for (name, table) in INDEXES.iter().map(|(n, t, _)| (*n, *t)).chain([("idx_outbox_waiting", "email_outbox"), ("idx_outbox_leased", "email_outbox")]) {
            manager.drop_index(Index::drop().name(name).table(table.to_owned()).to_owned()).await?;
        }
        Ok(())
    }
}
