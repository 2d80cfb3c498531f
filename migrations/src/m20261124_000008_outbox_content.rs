//! The outbox keeps what a message is to say (`content`, JSON tagged by template) instead of
//! its rendered subject, HTML and text: the worker renders it when it sends. Rows stay a few
//! hundred bytes, so claiming and marking them many times a second rewrites little.
//!
//! Messages not yet sent keep their rendered text, wrapped as `{"template": "rendered", …}`,
//! so nothing queued is lost.

use sea_orm_migration::sea_orm::{DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD_COLUMNS: [&str; 3] = ["subject", "html_body", "text_body"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("email_outbox").add_column(text("content").default("")).to_owned())
            .await?;
        let wrap = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "json_build_object('template', 'rendered', 'subject', subject, 'text', text_body, 'html', html_body)::text"
            }
            _ => "json_object('template', 'rendered', 'subject', subject, 'text', text_body, 'html', html_body)",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!("UPDATE email_outbox SET content = {wrap} WHERE status <> 'sent'")).await?;
        // One column per statement: SQLite alters one thing at a time.
        for column in OLD_COLUMNS {
            db.execute_unprepared(&format!("ALTER TABLE email_outbox DROP COLUMN {column}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let field = |name: &str| match backend {
            DbBackend::Postgres => format!("(content::json ->> '{name}')"),
            _ => format!("json_extract(content, '$.{name}')"),
        };
        let db = manager.get_connection();
        // Only rendered text fits the old columns: refuse rather than lose a message still to
        // be sent. (A failed one is not sent again; its text is not kept.)
        let unrendered = format!(
            "SELECT COUNT(*) AS n FROM email_outbox \
             WHERE status IN ('queued', 'sending', 'retrying') AND {} <> 'rendered'",
            field("template")
        );
        let n: i64 = match db.query_one_raw(Statement::from_string(backend, unrendered)).await? {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        if n > 0 {
            return Err(DbErr::Migration(format!(
                "{n} unsent messages in email_outbox are not rendered yet; let the server send them before migrating down"
            )));
        }
        for column in OLD_COLUMNS {
            manager
                .alter_table(Table::alter().table("email_outbox").add_column(text(column).default("")).to_owned())
                .await?;
        }
        let coalesced = |name: &str| format!("COALESCE({}, '')", field(name));
        db.execute_unprepared(&format!(
            "UPDATE email_outbox SET subject = {}, text_body = {}, html_body = {} WHERE content <> ''",
            coalesced("subject"),
            coalesced("text"),
            coalesced("html")
        ))
        .await?;
        db.execute_unprepared("ALTER TABLE email_outbox DROP COLUMN content").await?;
        Ok(())
    }
}
