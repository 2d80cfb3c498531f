//! Users (email optional: shop-floor employees have none) and database-backed sessions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len_null("email", 320))
                    .col(string_len_null("email_canonical", 320).unique_key())
                    .col(string_len_null("employee_number", 64))
                    .col(string_len_null("employee_number_canonical", 64).unique_key())
                    .col(string_len("name", 200))
                    .col(string_len_null("first_name", 100))
                    .col(string_len_null("last_name", 100))
                    .col(string_len_null("job_title", 120))
                    .col(string_len_null("phone", 40))
                    .col(string_len_null("preferred_language", 16))
                    .col(string_len("role", 32))
                    .col(integer_null("department_id"))
                    .col(integer_null("location_id"))
                    .col(string_len("status", 16))
                    .col(string_len_null("password_hash", 255))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_department")
                            .from("users", "department_id")
                            .to("departments", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_users_location")
                            .from("users", "location_id")
                            .to("locations", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_users_department")
                    .table("users")
                    .col("department_id")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .if_not_exists()
                    // SHA-256 of the cookie value, hex: the raw session id is never stored.
                    .col(string_len("id_hash", 64).primary_key())
                    .col(integer("user_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from("sessions", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_user")
                    .table("sessions")
                    .col("user_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("sessions").to_owned()).await?;
        manager.drop_table(Table::drop().table("users").to_owned()).await
    }
}
