//! What the operator set (validated by the server at start-up) that the app needs at request time.

use chrono::{DateTime, Duration, Utc};
use url::Url;

/// Operator settings the app needs at request time (validated by the server at start-up).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Base of every link the app emails.
    pub public_url: Url,
    pub organisation_name: String,
    /// How long an invitation's link or setup code works (`INVITE_TTL`); read through
    /// [`invitation_expiry`](Self::invitation_expiry).
    pub invite_ttl: Duration,
    /// How long before expiry a pending email invitation is reminded, if at all.
    pub invite_reminder: Option<Duration>,
    /// How long a password-reset link works.
    pub reset_ttl: Duration,
    pub session_ttl: Duration,
    /// Invitations per admin per rolling hour (30 by the spec; raised only for benchmarks).
    pub invite_rate_limit: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`); none by default.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Settings {
    /// An absolute link to `path` under the public URL (which may itself have a path).
    pub fn link(&self, path: &str) -> String {
        format!("{}/{}", self.public_url.as_str().trim_end_matches('/'), path.trim_start_matches('/'))
    }

    /// When an invitation's link or setup code made (or renewed) at `now` stops working.
    pub fn invitation_expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.invite_ttl
    }

    /// When a PIN-reset code issued at `now` stops working: as long as a setup code works, since
    /// the worker meets both the same way, on a printed handout.
    pub fn pin_reset_expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.invitation_expiry(now)
    }

    /// Cookies are marked `Secure` when the app is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The name cookie `base` goes by: over https with the `__Host-` prefix, which browsers
    /// accept only from this exact origin, Secure, for path `/` and with no `Domain`, so no
    /// sibling subdomain can set or shadow it.
    pub fn cookie_name(&self, base: &str) -> String {
        if self.secure_cookies() { format!("__Host-{base}") } else { base.to_owned() }
    }
}
