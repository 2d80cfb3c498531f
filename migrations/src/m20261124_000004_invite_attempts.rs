//! Every invitation attempt an admin makes (sent, resent, or refused as a duplicate), so the
//! hourly limit also bounds probing for existing addresses.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("invite_attempts")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("admin_id"))
                    .col(timestamp_with_time_zone("attempted_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invite_attempts_admin")
                            .from("invite_attempts", "admin_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invite_attempts_admin_time")
                    .table("invite_attempts")
                    .col("admin_id")
                    .col("attempted_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("invite_attempts").to_owned()).await
    }
}
