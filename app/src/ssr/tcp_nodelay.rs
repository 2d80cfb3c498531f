//! Nagle's algorithm off for PostgreSQL and SMTP connections.
//!
//! sqlx 0.9.0 no longer sets `TCP_NODELAY` on its sockets (sqlx issue #4335; fixed upstream by
//! #4336, not yet in a release). A statement larger than one TCP segment then ends with a short
//! segment the kernel holds until PostgreSQL acknowledges the first, and PostgreSQL delays
//! that acknowledgement by up to 40 ms, so a multi-row insert (a batch of invitations with
//! their outbox rows and audit events) waits that long for nothing (`bench/README.md` has the
//! measurements). sqlx gives no access to its socket, so after each new connection the server
//! finds its own sockets connected to the database's port and sets the option on them. Remove
//! the PostgreSQL part once sqlx sets the option again.
//!
//! lettre (0.11) does not set it either, and writes a message's end (`\r\n.\r\n`) apart from
//! its body: the end waits for the body's acknowledgement, which the mail server delays while it
//! waits for the end, so every message took 40 ms more than it needed (`bench/README.md`, "Mail
//! throughput"). The mailer turns the option on for its pooled connections the same way
//! (`crate::mail::transport`).

use url::Url;

/// The TCP port of a `postgres://` URL (5432 unless given), or `None` for another database or a
/// Unix-socket connection.
pub fn postgres_port(database_url: &str) -> Option<u16> {
    let url = Url::parse(database_url).ok()?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return None;
    }
    let unix_socket = url.query_pairs().any(|(key, value)| key == "host" && value.starts_with('/'));
    let no_host = url.host_str().is_none_or(str::is_empty);
    if unix_socket || no_host {
        return None;
    }
    Some(url.port().unwrap_or(5432))
}

/// Turns Nagle's algorithm off on every TCP socket of this process whose peer listens on
/// `port`; answers how many it changed.
pub fn set_for_peer_port(port: u16) -> usize {
    let mut changed = 0;
    sockets::for_each_connected_to(port, |socket| {
        if socket.tcp_nodelay().is_ok_and(|on| !on) && socket.set_tcp_nodelay(true).is_ok() {
            changed += 1;
        }
    });
    changed
}

/// Whether each TCP socket of this process whose peer listens on `port` has Nagle's algorithm
/// off: for tests and diagnostics.
pub fn nodelay_of_peer_port(port: u16) -> Vec<bool> {
    let mut found = Vec::new();
    sockets::for_each_connected_to(port, |socket| found.push(socket.tcp_nodelay().unwrap_or(false)));
    found
}

#[cfg(unix)]
mod sockets {
    use socket2::{SockRef, Type};
    use std::os::fd::{BorrowedFd, RawFd};

    /// Calls `f` with each open TCP socket of this process connected to a peer on `port`.
    pub fn for_each_connected_to(port: u16, mut f: impl FnMut(SockRef<'_>)) {
        let Ok(entries) = std::fs::read_dir("/proc/self/fd").or_else(|_| std::fs::read_dir("/dev/fd")) else {
            return;
        };
        for entry in entries.flatten() {
            let Some(raw) = entry.file_name().to_str().and_then(|n| n.parse::<RawFd>().ok()) else {
                continue;
            };
            // SAFETY: only socket options are read and set through this borrow. If another
            // thread closes the descriptor meanwhile, the calls fail with EBADF, or reach the
            // socket that reused the number, which is checked like any other.
            let fd = unsafe { BorrowedFd::borrow_raw(raw) };
            let socket = SockRef::from(&fd);
            let is_stream = socket.r#type().is_ok_and(|t| t == Type::STREAM);
            let peer_port = socket.peer_addr().ok().and_then(|a| a.as_socket()).map(|a| a.port());
            if is_stream && peer_port == Some(port) {
                f(socket);
            }
        }
    }
}

#[cfg(not(unix))]
mod sockets {
    pub fn for_each_connected_to(_port: u16, _f: impl FnMut(socket2::SockRef<'_>)) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};

    #[test]
    fn a_socket_connected_to_the_port_gets_nagle_turned_off() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        assert!(!client.nodelay().unwrap(), "sockets start with Nagle on");

        assert!(set_for_peer_port(port) >= 1);

        assert!(client.nodelay().unwrap());
        assert_eq!(nodelay_of_peer_port(port), vec![true]);
    }

    #[test]
    fn only_tcp_postgres_urls_have_a_port() {
        assert_eq!(postgres_port("postgres://postgres@127.0.0.1/onboard"), Some(5432));
        assert_eq!(postgres_port("postgresql://u:p@db.example.com:6432/onboard"), Some(6432));
        assert_eq!(postgres_port("postgres:///onboard?host=/var/run/postgresql"), None);
        assert_eq!(postgres_port("postgres://localhost/onboard?host=/tmp"), None);
        assert_eq!(postgres_port("sqlite://data/onboard.db?mode=rwc"), None);
    }
}
