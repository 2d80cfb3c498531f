//! A search in Users is read from `user_search_terms` alone: each term row also carries the
//! person's name, status, role, department and location, so the matches of a word thousands
//! of people share are filtered and put in name order from one range of the terms' key,
//! without looking up each match's row in `users` (bench/README.md, "Users at 100k people").
//!
//! - SQLite keeps the table `WITHOUT ROWID`, so the key (term, user_id) holds every column;
//!   PostgreSQL's key INCLUDEs them, so both read a range without visiting another table.
//! - A trigger copies a change of those columns in `users` to the person's terms in the same
//!   statement, so no code path that changes a person can leave their terms behind.
//! - The terms already stored are kept (copied across with their person's columns).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The person's columns each term row carries, in `users` and in `user_search_terms` alike.
pub(crate) const COPIED: &str = "name, status, role, department_id, location_id";

/// The shapes `user_search_terms` has had.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// (term, user_id) alone, keyed by both (migration 000011).
    Narrow,
    /// With the person's copied columns, keyed by (term, user_id) (this migration).
    Wide,
    /// With the copied columns, keyed by (term, name, user_id), so one term's people lie in
    /// name order along the key (migration 000014).
    NameOrdered,
}

/// `CREATE TABLE` for the terms as `table`, in `shape`. The term compares byte-wise on both
/// databases, so a prefix is one range.
fn create_table(backend: DbBackend, table: &str, shape: Shape) -> String {
    let collate = if backend == DbBackend::Postgres { " COLLATE \"C\"" } else { "" };
    let columns = if shape == Shape::Narrow {
        ""
    } else {
        ", name VARCHAR(201) NOT NULL, status VARCHAR(16) NOT NULL, role VARCHAR(32) NOT NULL, \
         department_id INTEGER NULL, location_id INTEGER NULL"
    };
    let key = if shape == Shape::NameOrdered { "term, name, user_id" } else { "term, user_id" };
    let (include, rowid) = match (backend, shape) {
        (_, Shape::Narrow) => (String::new(), ""),
        (DbBackend::Postgres, Shape::Wide) => (format!(" INCLUDE ({COPIED})"), ""),
        (DbBackend::Postgres, Shape::NameOrdered) => (" INCLUDE (status, role, department_id, location_id)".to_owned(), ""),
        (_, _) => (String::new(), " WITHOUT ROWID"),
    };
    format!(
        "CREATE TABLE {table} (term VARCHAR(320){collate} NOT NULL, user_id INTEGER NOT NULL{columns}, \
         PRIMARY KEY ({key}){include}){rowid}"
    )
}

/// The statements that put `user_search_terms` from shape `from` into shape `to`, keeping
/// every term.
pub(crate) fn reshape(backend: DbBackend, from: Shape, to: Shape) -> Vec<String> {
    let copy = match (from, to) {
        (_, Shape::Narrow) => "INSERT INTO user_search_terms_next (term, user_id) SELECT term, user_id FROM user_search_terms".to_owned(),
        (Shape::Narrow, _) => format!(
            "INSERT INTO user_search_terms_next (term, user_id, {COPIED}) \
             SELECT t.term, t.user_id, u.name, u.status, u.role, u.department_id, u.location_id \
             FROM user_search_terms t JOIN users u ON u.id = t.user_id"
        ),
        (_, _) => format!(
            "INSERT INTO user_search_terms_next (term, user_id, {COPIED}) SELECT term, user_id, {COPIED} FROM user_search_terms"
        ),
    };
    let mut statements = vec![
        create_table(backend, "user_search_terms_next", to),
        copy,
        "DROP TABLE user_search_terms".to_owned(),
        "ALTER TABLE user_search_terms_next RENAME TO user_search_terms".to_owned(),
    ];
    if backend == DbBackend::Postgres {
        // The key's index keeps the name it was made under; give it the table's own.
        statements.push("ALTER INDEX user_search_terms_next_pkey RENAME TO user_search_terms_pkey".to_owned());
    }
    statements.push("CREATE INDEX idx_user_search_terms_user ON user_search_terms (user_id)".to_owned());
    statements
}

/// Runs `statements` as one script, so all of them go through one connection: on SQLite a
/// pooled connection that did not drop the old table would still see it and refuse the rename.
pub(crate) async fn run(db: &impl ConnectionTrait, statements: Vec<String>) -> Result<(), DbErr> {
    db.execute_unprepared(&statements.join(";\n")).await.map(|_| ())
}

/// What the trigger does when a person's copied columns change: the same values in each of
/// their terms.
const FOLLOW: &str = "UPDATE user_search_terms SET name = NEW.name, status = NEW.status, role = NEW.role, \
                      department_id = NEW.department_id, location_id = NEW.location_id WHERE user_id = NEW.id";

/// The statements that make the trigger keeping each term's copied columns equal to `users`.
pub(crate) fn create_follow(backend: DbBackend) -> Vec<String> {
    if backend == DbBackend::Postgres {
        vec![
            format!(
                "CREATE FUNCTION user_search_terms_follow() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN {FOLLOW}; RETURN NULL; END $$"
            ),
            format!(
                "CREATE TRIGGER user_search_terms_follow AFTER UPDATE OF {COPIED} ON users \
                 FOR EACH ROW EXECUTE FUNCTION user_search_terms_follow()"
            ),
        ]
    } else {
        vec![format!("CREATE TRIGGER user_search_terms_follow AFTER UPDATE OF {COPIED} ON users BEGIN {FOLLOW}; END")]
    }
}

/// The statements that drop that trigger. On SQLite it must go before the table is swapped:
/// renaming a table checks every trigger, and this one names the table just dropped.
pub(crate) fn drop_follow(backend: DbBackend) -> Vec<String> {
    if backend == DbBackend::Postgres {
        vec!["DROP TRIGGER user_search_terms_follow ON users".to_owned(), "DROP FUNCTION user_search_terms_follow()".to_owned()]
    } else {
        vec!["DROP TRIGGER user_search_terms_follow".to_owned()]
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut statements = reshape(backend, Shape::Narrow, Shape::Wide);
        statements.extend(create_follow(backend));
        run(manager.get_connection(), statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut statements = drop_follow(backend);
        statements.extend(reshape(backend, Shape::Wide, Shape::Narrow));
        run(manager.get_connection(), statements).await
    }
}
