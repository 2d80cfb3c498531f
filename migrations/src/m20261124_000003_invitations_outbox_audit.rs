//! Invitations, the email outbox written in the same transaction, and audit events.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(name: &str, from: (&'static str, &'static str), to: (&'static str, &'static str)) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("invitations")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(string_len("kind", 16))
                    .col(string_len_null("email", 320))
                    .col(string_len_null("email_canonical", 320))
                    .col(string_len_null("employee_number", 64))
                    .col(string_len_null("employee_number_canonical", 64))
                    .col(string_len_null("first_name", 100))
                    .col(string_len_null("last_name", 100))
                    .col(string_len("role", 32))
                    .col(integer_null("department_id"))
                    .col(integer_null("location_id"))
                    .col(integer("invited_by"))
                    // SHA-256 of the one-time token, hex; the token itself is only ever in the email.
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(integer_null("accepted_user_id"))
                    .foreign_key(&mut fk("fk_invitations_department", ("invitations", "department_id"), ("departments", "id")))
                    .foreign_key(&mut fk("fk_invitations_location", ("invitations", "location_id"), ("locations", "id")))
                    .foreign_key(&mut fk("fk_invitations_invited_by", ("invitations", "invited_by"), ("users", "id")))
                    .foreign_key(&mut fk("fk_invitations_accepted_user", ("invitations", "accepted_user_id"), ("users", "id")))
                    .to_owned(),
            )
            .await?;
        // Only one pending invitation per canonical email / employee number; accepted,
        // revoked and expired ones never block a new invitation.
        for (name, col) in [
            ("uq_invitations_pending_email", "email_canonical"),
            ("uq_invitations_pending_employee_number", "employee_number_canonical"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("invitations")
                        .col(col)
                        .unique()
                        .and_where(Expr::col("status").eq("pending"))
                        .to_owned(),
                )
                .await?;
        }
        // The hourly rate limit counts an admin's invitations by time.
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_invited_by_created")
                    .table("invitations")
                    .col("invited_by")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("email_outbox")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer_null("invitation_id"))
                    .col(string_len("to_address", 320))
                    .col(text("subject"))
                    .col(text("html_body"))
                    .col(text("text_body"))
                    .col(string_len("status", 16))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_invitation")
                            .from("email_outbox", "invitation_id")
                            .to("invitations", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table("email_outbox")
                    .col("status")
                    .col("next_attempt_at")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(string_len("event_type", 64))
                    .col(integer_null("actor_user_id"))
                    .col(string_len("subject_type", 32))
                    .col(integer_null("subject_id"))
                    // Copied at write time so department-scoped admins can filter without joins
                    // that change meaning when people move.
                    .col(integer_null("department_id"))
                    .col(text("details"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_occurred")
                    .table("audit_events")
                    .col("occurred_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_events", "email_outbox", "invitations"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
