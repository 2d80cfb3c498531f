//! Email templates live in `app/templates/email/<name>/` as `subject.txt`, `body.txt` and
//! `body.html`; the HTML one is auto-escaped.

use chrono::{DateTime, Utc};
use minijinja::{Environment, context};
use std::sync::LazyLock;

/// A rendered email, ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What the invitation email says.
pub struct InvitationEmail<'a> {
    pub inviter: &'a str,
    pub organisation: &'a str,
    pub role: &'a str,
    pub department: Option<&'a str>,
    pub location: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
    pub link: &'a str,
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
    ] {
        env.add_template(name, source).expect("bundled email templates are valid");
    }
    env
});

pub fn invitation(email: &InvitationEmail<'_>) -> Result<RenderedEmail, minijinja::Error> {
    let env = &*ENVIRONMENT;
    let expires = email.expires_at.format("%-d %B %Y at %H:%M UTC").to_string();
    let ctx = context! {
        inviter => email.inviter,
        organisation => email.organisation,
        role => email.role,
        department => email.department,
        location => email.location,
        expires => expires,
        link => email.link,
    };
    let subject = env.get_template("invitation/subject.txt")?.render(&ctx)?.trim().to_owned();
    let text = env.get_template("invitation/body.txt")?.render(&ctx)?;
    let html = env
        .get_template("invitation/body.html")?
        .render(context! { subject => subject.clone(), ..ctx })?;
    Ok(RenderedEmail { subject, text, html })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample<'a>(inviter: &'a str) -> InvitationEmail<'a> {
        InvitationEmail {
            inviter,
            organisation: "Acme Castings",
            role: "Quality Admin",
            department: Some("Quality"),
            location: None,
            expires_at: Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).unwrap(),
            link: "https://onboard.example.com/invitation/abc",
        }
    }

    #[test]
    fn the_invitation_names_inviter_organisation_role_expiry_and_link() {
        let mail = invitation(&sample("Erin Admin")).unwrap();
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
        let mail = invitation(&sample("<b>Eve</b>")).unwrap();
        assert!(mail.html.contains("&lt;b&gt;Eve&lt;&#x2f;b&gt;"));
        assert!(!mail.html.contains("<b>Eve"));
        assert!(mail.text.contains("<b>Eve</b>"));
    }
}
