//! Pending invitations by when they run out, so finding the ones that have (to mark them
//! expired) reads only those rows and never walks the pending invitations still open
//! (bench/history/lists.md, "2026-12-06: the Expired filter"). Partial, on pending rows only:
//! accepted, revoked and expired invitations, almost all of a mature table, are never in it.
//! Written exactly as the sweep in `app/src/ssr/models/invitation.rs` writes its condition: a
//! partial index serves only queries whose conditions contain its own.

use crate::m20261201_000010_list_and_claim_indexes::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_invitations_pending_expiry";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(NAME, "invitations", &["expires_at", "id"]).and_where(Expr::col("status").eq("pending")).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(NAME).table("invitations".to_owned()).to_owned()).await
    }
}
