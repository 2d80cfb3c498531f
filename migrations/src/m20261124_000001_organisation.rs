//! Departments and locations: the organisational units an invitation can pre-assign.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Both unit tables have the same shape; `name_key` is the case-folded name that makes
/// "Quality" and "quality " one unit.
fn unit_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(pk_auto("id"))
        .col(string_len("name", 120))
        .col(string_len_uniq("name_key", 120))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone_null("archived_at"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(unit_table("departments")).await?;
        manager.create_table(unit_table("locations")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("locations").to_owned()).await?;
        manager.drop_table(Table::drop().table("departments").to_owned()).await
    }
}
