//! Email templates live in `app/templates/email/<name>/` as `subject.txt`, `body.txt` and
//! `body.html`; the HTML one is auto-escaped.
//!
//! The outbox stores what a message is to say ([`MailContent`]), not the message itself: the
//! worker renders it when it sends. A few hundred bytes of JSON instead of a few kilobytes of
//! rendered text, so writing, claiming and marking outbox rows (many times a second while
//! admins invite) rewrites little.

use crate::when;
use chrono::{DateTime, Utc};
use minijinja::{Environment, context};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A rendered email, ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What the invitation email says. Not `Debug`, like the token itself: the link must never
/// reach a log.
#[derive(Clone, Serialize, Deserialize)]
pub struct InvitationEmail {
    pub inviter: String,
    pub organisation: String,
    pub role: String,
    pub department: Option<String>,
    pub location: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Holds the one-time token: never logged, and emptied from the outbox once sent.
    pub link: String,
}

/// What a password-reset email says. Not `Debug`: the link is a one-time secret.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordResetEmail {
    pub name: String,
    pub organisation: String,
    /// The admin who sent it from the person page; `None` when the person asked themselves.
    pub by_admin: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Holds the one-time token: never logged, and emptied from the outbox once sent.
    pub link: String,
}

/// A reminder as it waits in the outbox for its time: the invitation's email with no working
/// link in it, only the address the link starts with. When the reminder goes, the worker gives
/// the invitation a new token (if it still holds the one whose hash is here) and puts it in the
/// link; so until then no working link waits in the outbox, which holds reminders for days.
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingReminder {
    /// `link` is the link without its token (`PUBLIC_URL/invitation/`).
    pub email: InvitationEmail,
    /// The SHA-256 of the token the invitation held when the reminder was queued (or last
    /// given a link): a Resend, an acceptance or a revoke since then changes it.
    pub token_hash: String,
}

/// An outbox message's content, as stored (JSON, tagged by template) until it is sent. Not
/// `Debug`: it holds the link.
#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum MailContent {
    Invitation(InvitationEmail),
    /// The reminder before an invitation expires, with its link: what the worker sends.
    InvitationReminder(InvitationEmail),
    /// The same reminder as it waits, with no working link ([`PendingReminder`]).
    PendingReminder(PendingReminder),
    PasswordReset(PasswordResetEmail),
    /// Rendered before it was queued: messages queued before rendering moved to send time
    /// (the migration wraps them so), and messages that use no template.
    Rendered(RenderedEmail),
}

impl MailContent {
    /// The stored form. Plain strings and a date cannot fail to serialise.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("mail content is strings and dates")
    }

    /// Reads the stored form back and renders it. An error names what went wrong, never the
    /// content (it holds a one-time link).
    pub fn render_json(json: &str) -> Result<RenderedEmail, String> {
        // serde's messages can quote the value they choke on: give only where.
        let content: MailContent = serde_json::from_str(json).map_err(|e| {
            format!("unreadable message content ({:?} error at line {} column {})", e.classify(), e.line(), e.column())
        })?;
        content.render().map_err(|e| format!("cannot render the message ({:?})", e.kind()))
    }

    fn render(&self) -> Result<RenderedEmail, minijinja::Error> {
        match self {
            MailContent::Invitation(email) => invitation(email, "invitation"),
            MailContent::InvitationReminder(email) => invitation(email, "invitation_reminder"),
            MailContent::PasswordReset(email) => password_reset(email),
            MailContent::Rendered(email) => Ok(email.clone()),
            // The worker gives it its link first; without one it is not a message to send.
            MailContent::PendingReminder(_) => {
                Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "a reminder is sent only with its link"))
            }
        }
    }
}

/// Parsed once per process: parsing showed in the profile of sending invitations when it
/// was done for every email. The templates are compiled into the binary, so they cannot change
/// while it runs.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // minijinja picks HTML escaping from the `.html` name.
    for (name, source) in [
        ("invitation/subject.txt", include_str!("../../templates/email/invitation/subject.txt")),
        ("invitation/body.txt", include_str!("../../templates/email/invitation/body.txt")),
        ("invitation/body.html", include_str!("../../templates/email/invitation/body.html")),
        ("invitation_reminder/subject.txt", include_str!("../../templates/email/invitation_reminder/subject.txt")),
        ("invitation_reminder/body.txt", include_str!("../../templates/email/invitation_reminder/body.txt")),
        ("invitation_reminder/body.html", include_str!("../../templates/email/invitation_reminder/body.html")),
        ("password_reset/subject.txt", include_str!("../../templates/email/password_reset/subject.txt")),
        ("password_reset/body.txt", include_str!("../../templates/email/password_reset/body.txt")),
        ("password_reset/body.html", include_str!("../../templates/email/password_reset/body.html")),
    ] {
        env.add_template(name, source).expect("bundled email templates are valid");
    }
    env
});

/// Renders `name/subject.txt`, `name/body.txt` and `name/body.html` with `ctx`.
fn render_template(name: &str, ctx: minijinja::Value) -> Result<RenderedEmail, minijinja::Error> {
    let env = &*ENVIRONMENT;
    let subject = env.get_template(&format!("{name}/subject.txt"))?.render(&ctx)?.trim().to_owned();
    let text = env.get_template(&format!("{name}/body.txt"))?.render(&ctx)?;
    let html = env.get_template(&format!("{name}/body.html"))?.render(context! { subject => subject.clone(), ..ctx })?;
    Ok(RenderedEmail { subject, text, html })
}

fn password_reset(email: &PasswordResetEmail) -> Result<RenderedEmail, minijinja::Error> {
    let ctx = context! {
        name => email.name,
        organisation => email.organisation,
        by_admin => email.by_admin,
        expires => when::in_a_sentence(email.expires_at),
        link => email.link,
    };
    render_template("password_reset", ctx)
}

/// The invitation, or its reminder (`template`), for `email`.
fn invitation(email: &InvitationEmail, template: &str) -> Result<RenderedEmail, minijinja::Error> {
    let ctx = context! {
        inviter => email.inviter,
        organisation => email.organisation,
        role => email.role,
        department => email.department,
        location => email.location,
        expires => when::in_a_sentence(email.expires_at),
        link => email.link,
    };
    render_template(template, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample(inviter: &str) -> InvitationEmail {
        InvitationEmail {
            inviter: inviter.into(),
            organisation: "Acme Castings".into(),
            role: "Quality Admin".into(),
            department: Some("Quality".into()),
            location: None,
            expires_at: Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).unwrap(),
            link: "https://onboard.example.com/invitation/abc".into(),
        }
    }

    #[test]
    fn the_invitation_names_inviter_organisation_role_expiry_and_link() {
        let mail = invitation(&sample("Erin Admin"), "invitation").unwrap();
        assert_eq!(mail.subject, "Erin Admin invited you to Acme Castings on Onboard");
        // minijinja escapes `/` in HTML as `&#x2f;`, which browsers read back as `/`.
        let html = mail.html.replace("&#x2f;", "/");
        for part in [&mail.text, &html] {
            assert!(part.contains("Quality Admin"));
            assert!(part.contains("in Quality"));
            assert!(part.contains("27 November 2026 at 09:30 UTC"));
            assert!(part.contains("https://onboard.example.com/invitation/abc"));
        }
        assert!(!mail.text.contains(" at None"));
    }

    #[test]
    fn names_are_escaped_in_the_html_part_only() {
        let mail = invitation(&sample("<b>Eve</b>"), "invitation").unwrap();
        assert!(mail.html.contains("&lt;b&gt;Eve&lt;&#x2f;b&gt;"));
        assert!(!mail.html.contains("<b>Eve"));
        assert!(mail.text.contains("<b>Eve</b>"));
    }

    #[test]
    fn stored_content_renders_as_the_email_would_have_been_rendered_at_once() {
        let stored = MailContent::Invitation(sample("Erin Admin")).to_json();

        assert!(stored.starts_with(r#"{"template":"invitation","#), "{stored}");
        assert_eq!(MailContent::render_json(&stored).unwrap(), invitation(&sample("Erin Admin"), "invitation").unwrap());
    }

    #[test]
    fn a_message_rendered_before_it_was_queued_is_sent_as_it_is() {
        // The shape the outbox migration gives messages queued before it.
        let stored = r#"{"template":"rendered","subject":"Hello","text":"Hi","html":"<p>Hi</p>"}"#;

        let mail = MailContent::render_json(stored).unwrap();

        assert_eq!(mail, RenderedEmail { subject: "Hello".into(), text: "Hi".into(), html: "<p>Hi</p>".into() });
    }

    #[test]
    fn unreadable_content_is_an_error_that_does_not_quote_the_link() {
        let broken = MailContent::Invitation(sample("Erin Admin"))
            .to_json()
            .replace("2026-11-27T09:30:00Z", "https://onboard.example.com/invitation/secret");

        let error = MailContent::render_json(&broken).unwrap_err();

        assert!(error.starts_with("unreadable message content (Data error"), "{error}");
        assert!(!error.contains("secret"), "{error}");
        assert!(MailContent::render_json("").is_err() && MailContent::render_json(r#"{"template":"x"}"#).is_err());
    }
}
