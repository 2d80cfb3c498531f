//! Connecting to the database: the pool that serves requests, and one connection of its own for
//! the tasks that write all the time.

use crate::config::Config;
use app::ssr::tcp_nodelay;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

/// Connects the request pool to the configured database, creating the SQLite file's folder if
/// needed, and brings the schema up to date.
pub async fn connect_and_migrate(config: &Config) -> anyhow::Result<DatabaseConnection> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot create data folder {}: {e}", config.data_dir.display()))?;
    }
    let db = connect(config, config.database_max_connections).await?;
    Migrator::up(&db, None).await.map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
    Ok(db)
}

/// One connection for the invitation writer and the outbox worker, apart from the request pool.
///
/// They write many times a second. From the request pool they would queue behind every page's
/// session lookup. On SQLite, which lets one connection write at a time, sharing one
/// connection also makes them take turns in this process, in order: two connections would
/// meet at SQLite's lock instead, where the one turned away sleeps 1, 2, 5, 10… ms before it
/// tries again. Writes elsewhere (signing in, accepting, resending) are rare and use the pool;
/// they wait at that lock, up to the 5 s busy timeout.
pub async fn connect_writer(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect(config, 1).await
}

/// How long a PostgreSQL connection may sit in the pool before it is pinged on its way out.
const IDLE_BEFORE_PING: std::time::Duration = std::time::Duration::from_secs(30);

async fn connect(config: &Config, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options.sqlx_logging(false).max_connections(max_connections);
    // Every SQLite connection: WAL so readers never wait for the writer; synchronous NORMAL,
    // the documented pairing with WAL (a commit survives a crash of the app; only an OS crash
    // or power loss can drop the last commits) instead of an fsync per commit; writers queue
    // for up to 5 s rather than failing; no checkpoint inside a request's commit (the server
    // runs them in the background: app::ssr::checkpoint, which also keeps the log's size
    // bounded).
    options.map_sqlx_sqlite_opts(|opts| {
        opts.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("wal_autocheckpoint", "0")
            .pragma("journal_size_limit", app::ssr::checkpoint::LOG_SIZE_LIMIT_BYTES.to_string())
    });
    // sqlx pings a pooled connection each time it is handed out, so every query paid a second
    // round trip: on SQLite to the connection's own thread, about a third of a page's context
    // switches (bench/README.md, "Lists at 100k rows"). A SQLite file is never hung up on, so
    // it is not pinged; a PostgreSQL connection is pinged only after sitting idle long enough
    // for the server, a proxy or a firewall to have dropped it.
    if config.database_url.starts_with("sqlite:") {
        options.test_before_acquire(false);
    } else {
        options.test_before_acquire_if_idle_for(IDLE_BEFORE_PING);
    }
    // Search words are written into SQL as literals with their quotes doubled
    // (`app::ssr::models::search_terms`, for the planner's sake), which is safe only while
    // backslashes are plain characters. That is PostgreSQL's default, but a database or role
    // can turn it off; every connection asks for it, and a setting sent when connecting wins
    // over both.
    options.map_sqlx_postgres_opts(|opts| opts.options([("standard_conforming_strings", "on")]));
    if let Some(port) = tcp_nodelay::postgres_port(&config.database_url) {
        options.map_sqlx_postgres_pool_opts(move |pool| {
            pool.after_connect(move |_, _| {
                Box::pin(async move {
                    tcp_nodelay::set_for_peer_port(port);
                    Ok(())
                })
            })
        });
    }
    let shown = crate::config::without_password(&config.database_url);
    Database::connect(options).await.map_err(|e| {
        let reason = e.to_string().replace(&config.database_url, &shown);
        anyhow::anyhow!("cannot connect to the database at {shown}: {reason}")
    })
}
