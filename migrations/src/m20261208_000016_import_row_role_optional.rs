//! An import row's role is absent when the preview refused the row (it may have named no role, or
//! one that does not exist): until now such rows stored an empty string, which is not a role.
//! The column becomes nullable and those rows hold NULL, so the entity can read it as
//! `Option<Role>`.
//!
//! Written as add, copy, drop, rename rather than altering the column in place: SQLite cannot
//! change a column's constraints, and one way for both databases keeps them alike. Plain SQL
//! that both read alike, in one transaction: on SQLite a pooled connection other than the one
//! that added the column may not see it yet.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::TransactionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Replaces `import_rows.role` with a column declared as `declared`, copying each row's role
/// through `copy` (SQL that reads the old column as `role`).
async fn replace_role(manager: &SchemaManager<'_>, declared: &str, copy: &str) -> Result<(), DbErr> {
    let txn = manager.get_connection().begin().await?;
    for sql in [
        format!("ALTER TABLE import_rows ADD COLUMN new_role {declared}"),
        format!("UPDATE import_rows SET new_role = {copy}"),
        "ALTER TABLE import_rows DROP COLUMN role".to_owned(),
        "ALTER TABLE import_rows RENAME COLUMN new_role TO role".to_owned(),
    ] {
        txn.execute_unprepared(&sql).await?;
    }
    txn.commit().await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_role(manager, "VARCHAR(32) NULL", "NULLIF(role, '')").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace_role(manager, "VARCHAR(32) NOT NULL DEFAULT ''", "COALESCE(role, '')").await
    }
}
