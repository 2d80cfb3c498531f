//! Hand-written SQL for the few statements sea-orm's builders cannot express (row claiming,
//! conditional inserts), written once with PostgreSQL's `$n` placeholders.

use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// A statement for `db`'s backend: on SQLite `$n` becomes `?n`, which SQLite reads the same way.
pub fn statement(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Statement {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace('$', "?"),
    };
    Statement::from_sql_and_values(backend, sql, values)
}
