//! `user_search_terms` keyed by (term, name, user_id) instead of (term, user_id): the people
//! who have one term then lie in name order along the key. A search word that begins exactly
//! one term (a surname as typed, or the start of one) walks that term's people from a given
//! name and stops after a page, instead of reading and sorting all of them for every page
//! (bench/README.md, "Users at 100k people"). Within a term a person has one name, so the key
//! is unique exactly when (term, user_id) was. The copied columns and the trigger that keeps
//! them are as migration 000013 made them; the terms already stored are kept.

use crate::m20261201_000013_search_terms_list::{Shape, create_follow, drop_follow, reshape, run};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The statements that take the terms from shape `from` to `to`, with the trigger dropped
/// across the swap and made again after.
fn swap(backend: sea_orm_migration::sea_orm::DbBackend, from: Shape, to: Shape) -> Vec<String> {
    let mut statements = drop_follow(backend);
    statements.extend(reshape(backend, from, to));
    statements.extend(create_follow(backend));
    statements
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager.get_connection(), swap(manager.get_database_backend(), Shape::Wide, Shape::NameOrdered)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager.get_connection(), swap(manager.get_database_backend(), Shape::NameOrdered, Shape::Wide)).await
    }
}
