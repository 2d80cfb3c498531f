//! Imports from a spreadsheet: the job (`imports`) and one row per line of the file
//! (`import_rows`), kept so the job survives a restart and any server instance can carry it on.
//!
//! - A job is taken by one instance at a time through a lease (`lease_owner`, `lease_until`);
//!   `next_run_at` is when it can go on (the hourly limit frees, say).
//! - A row holds what the file said (checked again when it is sent), its state and reason,
//!   and the invitation it became. Rows are read in file order by `(import_id, state,
//!   row_number)`.
//! - `email_outbox.reminder` marks the reminder email an invitation gets before it expires
//!   (`INVITE_REMINDER`): written with the invitation, due later, cancelled like its mail.

use crate::m20261201_000010_list_and_claim_indexes::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &[&str]); 3] = [
    ("idx_imports_due", "imports", &["state", "next_run_at"]),
    ("idx_imports_admin_list", "imports", &["admin_id", "id"]),
    ("idx_import_rows_state", "import_rows", &["import_id", "state", "row_number"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("imports")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("admin_id"))
                    .col(string_len("file_name", 255))
                    .col(integer("total_rows"))
                    .col(string_len("state", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("next_run_at"))
                    .col(string_len_null("lease_owner", 64))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(integer_null("department_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_rows")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("import_id"))
                    .col(integer("row_number"))
                    .col(string_len("kind", 16))
                    .col(string_len("identifier", 320))
                    .col(string_len_null("email", 320))
                    .col(string_len_null("first_name", 100))
                    .col(string_len_null("last_name", 100))
                    .col(string_len_null("employee_number", 64))
                    .col(string_len("role", 32))
                    .col(integer_null("department_id"))
                    .col(integer_null("location_id"))
                    .col(string_len("state", 16))
                    .col(string_len_null("reason", 400))
                    .col(integer_null("invitation_id"))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_import_rows_number")
                    .table("import_rows")
                    .col("import_id")
                    .col("row_number")
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in INDEXES {
            manager.create_index(index(name, table, columns)).await?;
        }
        manager
            .alter_table(Table::alter().table("email_outbox").add_column(boolean("reminder").default(false)).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("email_outbox").drop_column("reminder").to_owned()).await?;
        for table in ["import_rows", "imports"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
