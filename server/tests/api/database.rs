//! How the server connects to its database.

use crate::helpers::{on_postgres, postgres_base, spawn_app};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use server::tcp_nodelay::{nodelay_of_peer_port, postgres_port};

#[tokio::test]
async fn every_connection_to_postgresql_has_nagle_turned_off() {
    // SQLite has no sockets; `ONBOARD_TEST_DB=postgres` runs this for real.
    if !on_postgres() {
        return;
    }
    let app = spawn_app().await;
    // Several queries at once, so the request pool opens more than one connection.
    let sleep = || app.state.db.execute_raw(Statement::from_string(DbBackend::Postgres, "SELECT pg_sleep(0.05)"));
    let (a, b, c) = tokio::join!(sleep(), sleep(), sleep());
    (a.unwrap(), b.unwrap(), c.unwrap());

    let port = postgres_port(&postgres_base()).expect("tests reach PostgreSQL over TCP");
    // A connection the pool opened in the background may still be signing in, its
    // after-connect step not yet run: give it a moment.
    let mut sockets = nodelay_of_peer_port(port);
    for _ in 0..20 {
        if sockets.iter().all(|&off| off) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        sockets = nodelay_of_peer_port(port);
    }

    // Three from the request pool and the writer's own connection, at least.
    assert!(sockets.len() >= 4, "{sockets:?}");
    assert!(sockets.iter().all(|&off| off), "{sockets:?}");
}
