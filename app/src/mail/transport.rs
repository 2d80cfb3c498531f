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

#[derive(Clone)]
pub enum Mailer {
    Smtp { transport: AsyncSmtpTransport<Tokio1Executor>, from: Mailbox },
    Capture { dir: PathBuf, from: Mailbox },
}

impl Mailer {
    /// SMTP when `smtp_url` is set (`smtp://host:port`, `smtps://user:pass@host`), else capture to
    /// `capture_dir`.
    pub fn new(smtp_url: Option<&str>, capture_dir: PathBuf, from: &str) -> Result<Self, String> {
        let from = parse_mailbox(from).map_err(|e| format!("MAIL_FROM: {e}"))?;
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp { transport, from })
            }
            None => Ok(Mailer::Capture { dir: capture_dir, from }),
        }
    }

    /// The folder captured mail goes to, when mail is captured.
    pub fn capture_dir(&self) -> Option<&Path> {
        match self {
            Mailer::Capture { dir, .. } => Some(dir),
            Mailer::Smtp { .. } => None,
        }
    }

    /// Sends outbox message `id` to `to`.
    pub async fn send(&self, id: i32, to: &str, mail: &RenderedEmail) -> Result<(), SendError> {
        match self {
            Mailer::Smtp { transport, from } => {
                let message = build_message(from, to, mail)?;
                transport.send(message).await.map(|_| ()).map_err(|e| SendError {
                    // 5xx answers will not change on retry; everything else (4xx, refused
                    // connections, timeouts, TLS hiccups) might.
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                })
            }
            Mailer::Capture { dir, from } => {
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
