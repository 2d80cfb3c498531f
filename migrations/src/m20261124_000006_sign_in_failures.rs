//! Failed sign-ins, counted per account (so a PIN cannot be guessed by trying them all) and per
//! client (so one device cannot try a common PIN against many accounts).
//!
//! `account` is a hash of the identifier as typed and canonicalised, whether or not an account
//! has it: unknown and known identifiers are locked alike, so a lock tells nothing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sign_in_failures")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("account", 64))
                    .col(string_len("client", 64))
                    .col(timestamp_with_time_zone("failed_at"))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [("idx_sign_in_failures_account_time", "account"), ("idx_sign_in_failures_client_time", "client")] {
            manager
                .create_index(
                    Index::create().name(name).table("sign_in_failures").col(column).col("failed_at").to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("sign_in_failures").to_owned()).await
    }
}
