//! The life of an account after it joins: who changed it last (a version for edits by two
//! admins at once), when it last signed in and was switched off, the words it is found by,
//! one-time access resets, and the requests "Forgot password?" counts.
//!
//! - `users.version` goes up with every change an admin makes, so a save based on an older
//!   read is refused instead of overwriting the newer one.
//! - `user_search_terms` holds each person's words (names without accents, email, employee
//!   number), lower-case: a search is a range walk along `(term)` per word typed, never a scan
//!   of the whole table. The column compares byte-wise (`COLLATE "C"` on PostgreSQL, SQLite's
//!   default) so a prefix is one range.
//! - `access_resets` holds a password-reset link or a PIN-reset setup code: only a hash, used
//!   once, with its own expiry and wrong-code count.
//! - `recovery_requests` counts "Forgot password?" requests per address and per client.

use crate::m20261201_000010_list_and_claim_indexes::index;
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &[&str]); 5] = [
    ("idx_users_role_list", "users", &["role", "status", "name", "id"]),
    ("idx_users_location_list", "users", &["location_id", "status", "name", "id"]),
    ("idx_audit_subject", "audit_events", &["subject_type", "subject_id", "occurred_at", "id"]),
    ("idx_access_resets_user", "access_resets", &["user_id"]),
    ("idx_recovery_requests_key_time", "recovery_requests", &["key", "requested_at"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            integer("version").default(0).to_owned(),
            timestamp_with_time_zone_null("last_sign_in_at").to_owned(),
            timestamp_with_time_zone_null("deactivated_at").to_owned(),
        ] {
            manager.alter_table(Table::alter().table("users").add_column(column).to_owned()).await?;
        }
        let collate = match manager.get_database_backend() {
            DbBackend::Postgres => " COLLATE \"C\"",
            _ => "",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE TABLE user_search_terms (term VARCHAR(320){collate} NOT NULL, user_id INTEGER NOT NULL, \
                 PRIMARY KEY (term, user_id))"
            ))
            .await?;
        manager
            .create_index(Index::create().name("idx_user_search_terms_user").table("user_search_terms").col("user_id").to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("access_resets")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("user_id"))
                    .col(string_len("kind", 16))
                    .col(string_len_uniq("secret_hash", 64))
                    .col(integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(integer("failed_attempts").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("recovery_requests")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("key", 80))
                    .col(timestamp_with_time_zone("requested_at"))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in INDEXES {
            manager.create_index(index(name, table, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES.iter().take(3) {
            manager.drop_index(Index::drop().name(*name).table(table.to_owned()).to_owned()).await?;
        }
        for table in ["recovery_requests", "access_resets", "user_search_terms"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in ["deactivated_at", "last_sign_in_at", "version"] {
            manager.alter_table(Table::alter().table("users").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
