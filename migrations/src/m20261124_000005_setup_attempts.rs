//! Wrong setup-code attempts for shop-floor invitations: counted on the invitation (the code
//! dies after a few) and per client (so one client cannot try codes across many accounts).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("invitations").add_column(integer("failed_attempts").default(0)).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("setup_attempts")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("client", 64))
                    .col(timestamp_with_time_zone("attempted_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_setup_attempts_client_time")
                    .table("setup_attempts")
                    .col("client")
                    .col("attempted_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("setup_attempts").to_owned()).await?;
        manager
            .alter_table(Table::alter().table("invitations").drop_column("failed_attempts").to_owned())
            .await
    }
}
