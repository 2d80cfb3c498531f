//! Schema migrations for Onboard, run at server start-up on SQLite and PostgreSQL alike.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_organisation;
mod m20261124_000002_users_and_sessions;
mod m20261124_000003_invitations_outbox_audit;
mod m20261124_000004_invite_attempts;
mod m20261124_000005_setup_attempts;
mod m20261124_000006_sign_in_failures;
mod m20261124_000007_invite_attempt_sequence;
mod m20261124_000008_outbox_content;
mod m20261201_000009_full_name_length;
mod m20261201_000010_list_and_claim_indexes;
mod m20261201_000011_people_lifecycle;
mod m20261201_000012_imports;
mod m20261201_000013_search_terms_list;
mod m20261205_000014_search_terms_name_order;
mod m20261206_000015_invitation_expiry_index;
mod m20261208_000016_import_row_role_optional;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_organisation::Migration),
            Box::new(m20261124_000002_users_and_sessions::Migration),
            Box::new(m20261124_000003_invitations_outbox_audit::Migration),
            Box::new(m20261124_000004_invite_attempts::Migration),
            Box::new(m20261124_000005_setup_attempts::Migration),
            Box::new(m20261124_000006_sign_in_failures::Migration),
            Box::new(m20261124_000007_invite_attempt_sequence::Migration),
            Box::new(m20261124_000008_outbox_content::Migration),
            Box::new(m20261201_000009_full_name_length::Migration),
            Box::new(m20261201_000010_list_and_claim_indexes::Migration),
            Box::new(m20261201_000011_people_lifecycle::Migration),
            Box::new(m20261201_000012_imports::Migration),
            Box::new(m20261201_000013_search_terms_list::Migration),
            Box::new(m20261205_000014_search_terms_name_order::Migration),
            Box::new(m20261206_000015_invitation_expiry_index::Migration),
            Box::new(m20261208_000016_import_row_role_optional::Migration),
        ]
    }
}
