//! Numbers each admin's invitation attempts 1, 2, 3 … in the order they were recorded, so the
//! hourly limit is one indexed lookup ("is the attempt `limit` places back still inside the
//! hour?") instead of counting every attempt in the window.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("invite_attempts").add_column(big_integer("seq").default(0)).to_owned(),
            )
            .await?;
        // Existing rows (at most a day's, after housekeeping) get their place in each admin's
        // order; ties in time keep the order they were written in.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE invite_attempts SET seq = (SELECT COUNT(*) FROM invite_attempts AS earlier \
                 WHERE earlier.admin_id = invite_attempts.admin_id \
                   AND (earlier.attempted_at < invite_attempts.attempted_at \
                        OR (earlier.attempted_at = invite_attempts.attempted_at AND earlier.id <= invite_attempts.id)))",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_invite_attempts_admin_seq")
                    .table("invite_attempts")
                    .col("admin_id")
                    .col("seq")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("uq_invite_attempts_admin_seq").table("invite_attempts").to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table("invite_attempts").drop_column("seq").to_owned())
            .await
    }
}
