//! A full name is a first name (up to 100 characters), a space and a last name (up to 100):
//! 201 characters, one more than `users.name` held. PostgreSQL enforces the length (SQLite
//! does not), so a person with two long names was refused with a server error after choosing
//! their password.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("ALTER TABLE users ALTER COLUMN name TYPE varchar(201)").await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("ALTER TABLE users ALTER COLUMN name TYPE varchar(200)").await?;
        }
        Ok(())
    }
}
