//! How mail leaves: SMTP through lettre, or captured as `.eml` files when no SMTP server is
//! configured, so a local run still lets a new user follow their link.

use super::templates::RenderedEmail;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a message was not sent, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub permanent: bool,
    pub message: String,
}

/// Parses a sender such as `Onboard <onboard@example.com>`.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    text.parse::<Mailbox>().map_err(|e| e.to_string())
}

/// How long one message may take to send unless the operator says otherwise (`SMTP_TIMEOUT`).
pub const DEFAULT_SEND_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct Mailer {
    way: Way,
    /// The most one send may take, from connecting to the server's last answer.
    timeout: Duration,
}

#[derive(Clone)]
enum Way {
    /// `port` is the server's, for turning Nagle's algorithm off on the pool's connections.
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox, port: Option<u16> },
    Capture { dir: PathBuf, from: Mailbox },
}

impl Mailer {
    /// SMTP when `smtp_url` is set (`smtp://host:port`, `smtps://user:pass@host`), else capture to
    /// `capture_dir`. No send takes longer than `timeout`.
    pub fn new(smtp_url: Option<&str>, capture_dir: PathBuf, from: &str, timeout: Duration) -> Result<Self, String> {
        let from = parse_mailbox(from).map_err(|e| format!("MAIL_FROM: {e}"))?;
        let way = match smtp_url {
            Some(url) => {
                // lettre's own timeout bounds the TCP connect only (lettre issue 1027); `send`
                // bounds the whole conversation. Connections are pooled and reused.
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(timeout))
                    .build();
                Way::Smtp { transport, from, port: smtp_port(url) }
            }
            None => Way::Capture { dir: capture_dir, from },
        };
        Ok(Mailer { way, timeout })
    }

    /// The most one send may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The folder captured mail goes to, when mail is captured.
    pub fn capture_dir(&self) -> Option<&Path> {
        match &self.way {
            Way::Capture { dir, .. } => Some(dir),
            Way::Smtp { .. } => None,
        }
    }

    /// Sends outbox message `id` to `to`, giving up (a transient failure, retried later) when
    /// it takes longer than the timeout: a server that accepts the connection and then says
    /// nothing cannot hold the worker.
    pub async fn send(&self, id: i32, to: &str, mail: &RenderedEmail) -> Result<(), SendError> {
        match tokio::time::timeout(self.timeout, self.send_unbounded(id, to, mail)).await {
            Ok(sent) => sent,
            Err(_) => Err(SendError {
                permanent: false,
                message: format!("the mail server did not finish within {} s", self.timeout.as_secs_f32()),
            }),
        }
    }

    async fn send_unbounded(&self, id: i32, to: &str, mail: &RenderedEmail) -> Result<(), SendError> {
        match &self.way {
            Way::Smtp { transport, from, port } => {
                let message = build_message(from, to, mail)?;
                let started = std::time::Instant::now();
                let sent = transport.send(message).await.map(|_| ()).map_err(|e| SendError {
                    // 5xx answers will not change on retry; everything else (4xx, refused
                    // connections, timeouts, TLS hiccups) might.
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                });
                // A slow send may have been a new connection with Nagle's algorithm on: turn it
                // off for the next. A fast one needs nothing, so the scan costs nothing then.
                if let Some(port) = port
                    && started.elapsed() >= NAGLE_SUSPECT
                {
                    crate::ssr::tcp_nodelay::set_for_peer_port(*port);
                }
                sent
            }
            Way::Capture { dir, from } => {
                let message = build_message(from, to, mail)?;
                // The raw message, and its plain-text part as a person reads it.
                let readable = format!("To: {to}\nSubject: {}\n\n{}", mail.subject, mail.text);
                let dir = dir.clone();
                // One hop to the blocking pool for all three file operations, not one each.
                let written = tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir)?;
                    std::fs::write(dir.join(format!("{id:06}.txt")), readable)?;
                    std::fs::write(dir.join(format!("{id:06}.eml")), message.formatted())
                })
                .await;
                let transient = |message: String| SendError { permanent: false, message };
                written.map_err(|e| transient(e.to_string()))?.map_err(|e| transient(e.to_string()))
            }
        }
    }
}

/// A send slower than this may have waited on a delayed acknowledgement (40 ms on Linux).
const NAGLE_SUSPECT: Duration = Duration::from_millis(30);

/// The mail server's port in `SMTP_URL`, with lettre's defaults: 465 for `smtps`, 587 for
/// `smtp` with `tls=required` or `tls=opportunistic`, 25 for plain `smtp`.
fn smtp_port(smtp_url: &str) -> Option<u16> {
    let url = url::Url::parse(smtp_url).ok()?;
    let tls = url.query_pairs().any(|(key, _)| key == "tls");
    url.port().or(match url.scheme() {
        "smtps" => Some(465),
        "smtp" if tls => Some(587),
        "smtp" => Some(25),
        _ => None,
    })
}

fn build_message(from: &Mailbox, to: &str, mail: &RenderedEmail) -> Result<Message, SendError> {
    let permanent = |message: String| SendError { permanent: true, message };
    let to: Mailbox = to.parse().map_err(|e| permanent(format!("bad recipient: {e}")))?;
    let text = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone());
    let html = SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.html.clone());
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative().singlepart(text).singlepart(html))
        .map_err(|e| permanent(format!("cannot build message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::smtp_port;

    #[test]
    fn the_smtp_port_is_the_urls_or_lettres_default() {
        assert_eq!(smtp_port("smtp://127.0.0.1:2525"), Some(2525));
        assert_eq!(smtp_port("smtp://mail.example.com"), Some(25));
        assert_eq!(smtp_port("smtp://mail.example.com?tls=required"), Some(587));
        assert_eq!(smtp_port("smtps://user:pass@mail.example.com"), Some(465));
        assert_eq!(smtp_port("not a url"), None);
    }
}
