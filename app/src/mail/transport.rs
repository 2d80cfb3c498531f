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
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
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
                // bounds the whole conversation.
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(timeout))
                    .build();
                Way::Smtp { transport, from }
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
            Way::Smtp { transport, from } => {
                let message = build_message(from, to, mail)?;
                transport.send(message).await.map(|_| ()).map_err(|e| SendError {
                    // 5xx answers will not change on retry; everything else (4xx, refused
                    // connections, timeouts, TLS hiccups) might.
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                })
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
