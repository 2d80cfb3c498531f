//! Operator configuration from environment variables, validated once at start-up.

use chrono::Duration;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use url::Url;

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

fn bad(name: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { name, message: message.into() }
}

/// SQLite connections are threads of this process, and a request holds one only while it
/// waits for its own thread to run its query: with too few, requests queue for them under load
/// (the pool sizes tried are in bench/history/invitations.md).
const DEFAULT_SQLITE_CONNECTIONS: u32 = 24;
/// Each PostgreSQL connection is a server process; sqlx's default, for the operator to raise.
const DEFAULT_POSTGRES_CONNECTIONS: u32 = 10;

/// Everything the server reads from its environment.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The request pool's size; the invitation writer and outbox worker have one more.
    pub database_max_connections: u32,
    pub public_url: Url,
    pub smtp_url: Option<Url>,
    /// The most one message may take to send (`SMTP_TIMEOUT`).
    pub smtp_timeout: std::time::Duration,
    /// How many password checks may wait for a hashing thread (`PASSWORD_HASH_QUEUE`); unset,
    /// 64 per core.
    pub password_hash_queue: Option<usize>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The sender of every email, as `Name <address>`.
    pub mail_from: String,
    pub invite_ttl: Duration,
    /// How long before expiry a pending email invitation gets one reminder (`INVITE_REMINDER`);
    /// off unless set.
    pub invite_reminder: Option<Duration>,
    /// How long a password-reset link works (`RESET_TTL`, default 1 hour).
    pub reset_ttl: Duration,
    pub invite_rate_limit: u32,
    pub session_ttl: Duration,
    pub organisation_name: String,
    pub site_addr: SocketAddr,
    pub leptos: LeptosOptions,
}

/// `url` fit for a message or a log: any password replaced by `***`; unparsable text is
/// shown only up to its first `@`.
pub fn without_password(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => match url.split_once('@') {
            Some((_, host)) => format!("…@{host}"),
            None => url.to_owned(),
        },
    }
}

fn duration(name: &'static str, value: &str) -> Result<Duration, ConfigError> {
    let parsed = humantime::parse_duration(value)
        .map_err(|e| bad(name, format!("`{value}` is not a duration like 72h or 30m ({e})")))?;
    if parsed.as_secs() < 60 {
        return Err(bad(name, format!("`{value}` is shorter than one minute")));
    }
    if parsed.as_secs() > 366 * 24 * 3600 {
        return Err(bad(name, format!("`{value}` is longer than a year")));
    }
    Duration::from_std(parsed).map_err(|_| bad(name, "out of range"))
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads configuration through `get`, so tests can supply their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get: &dyn Fn(&str) -> Option<String> = &get;
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let (database_url, database_max_connections) = database(get, &data_dir)?;
        let mail = mail(get)?;
        let invitations = invitations(get)?;
        let leptos = leptos_options(get)?;
        if mail.smtp_url.is_none() && matches!(leptos.env, leptos::config::Env::PROD) && !mail.capture {
            return Err(bad(
                "SMTP_URL",
                "is not set, and LEPTOS_ENV is PROD: set SMTP_URL, or MAIL_CAPTURE=on to keep mail in files \
                 listed at /mail (every working invitation link, for anyone on this machine)",
            ));
        }
        let organisation_name = get("ORGANISATION_NAME").unwrap_or_else(|| "Onboard".into()).trim().to_owned();
        if organisation_name.chars().count() > 120 {
            return Err(bad("ORGANISATION_NAME", "use at most 120 characters"));
        }
        Ok(Config {
            data_dir,
            database_url,
            database_max_connections,
            public_url: public_url(get)?,
            smtp_url: mail.smtp_url,
            smtp_timeout: mail.timeout,
            password_hash_queue: get("PASSWORD_HASH_QUEUE").map(|text| whole_number("PASSWORD_HASH_QUEUE", &text, 100_000)).transpose()?,
            trusted_proxies: trusted_proxies(get)?,
            mail_from: mail.from,
            invite_ttl: invitations.ttl,
            invite_reminder: invitations.reminder,
            reset_ttl: duration("RESET_TTL", &get("RESET_TTL").unwrap_or_else(|| "1h".into()))?,
            invite_rate_limit: invitations.rate_limit,
            session_ttl: duration("SESSION_TTL", &get("SESSION_TTL").unwrap_or_else(|| "12h".into()))?,
            organisation_name,
            site_addr: leptos.site_addr,
            leptos,
        })
    }
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `text` as a whole number from 1 to `max`.
fn whole_number<N>(name: &'static str, text: &str, max: N) -> Result<N, ConfigError>
where
    N: std::str::FromStr + PartialOrd + From<u8> + std::fmt::Display,
{
    text.trim()
        .parse()
        .ok()
        .filter(|n| *n >= N::from(1) && *n <= max)
        .ok_or_else(|| bad(name, format!("`{text}` is not a whole number from 1 to {max}")))
}

/// `DATABASE_URL` (SQLite under `data_dir` unless set) and the request pool's size.
fn database(get: Lookup, data_dir: &std::path::Path) -> Result<(String, u32), ConfigError> {
    let url = match get("DATABASE_URL") {
        Some(url) if url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://") => url,
        Some(url) => {
            return Err(bad("DATABASE_URL", format!("`{}` is neither a sqlite: nor a postgres:// URL", without_password(&url))));
        }
        None => format!("sqlite://{}?mode=rwc", data_dir.join("onboard.db").display()),
    };
    let connections = match get("DATABASE_MAX_CONNECTIONS") {
        None if url.starts_with("sqlite:") => DEFAULT_SQLITE_CONNECTIONS,
        None => DEFAULT_POSTGRES_CONNECTIONS,
        Some(text) => whole_number("DATABASE_MAX_CONNECTIONS", &text, 1000)?,
    };
    Ok((url, connections))
}

/// `PUBLIC_URL`: the address every link in a mail or handout starts with.
fn public_url(get: Lookup) -> Result<Url, ConfigError> {
    let text = get("PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let url = Url::parse(&text).map_err(|e| bad("PUBLIC_URL", format!("`{text}` is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad("PUBLIC_URL", format!("`{text}` must be an http:// or https:// URL with a host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("PUBLIC_URL", "must not have a query or fragment"));
    }
    Ok(url)
}

/// `TRUSTED_PROXIES`: addresses or CIDRs, separated by commas.
fn trusted_proxies(get: Lookup) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    let Some(text) = get("TRUSTED_PROXIES") else { return Ok(Vec::new()) };
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| bad("TRUSTED_PROXIES", format!("`{item}` is not an address or a CIDR like 10.0.0.0/8")))
        })
        .collect()
}

/// How mail leaves: `SMTP_URL`, `SMTP_TIMEOUT`, `MAIL_CAPTURE` and `MAIL_FROM`.
struct Mail {
    smtp_url: Option<Url>,
    timeout: std::time::Duration,
    capture: bool,
    from: String,
}

fn mail(get: Lookup) -> Result<Mail, ConfigError> {
    let smtp_url = match get("SMTP_URL") {
        Some(text) => {
            let url = Url::parse(&text).map_err(|e| bad("SMTP_URL", format!("not a URL ({e})")))?;
            if !matches!(url.scheme(), "smtp" | "smtps") || url.host().is_none() {
                return Err(bad("SMTP_URL", "must look like smtp://host:port or smtps://user:pass@host"));
            }
            Some(url)
        }
        None => None,
    };
    let timeout = match get("SMTP_TIMEOUT") {
        None => app::mail::transport::DEFAULT_SEND_TIMEOUT,
        Some(text) => humantime::parse_duration(&text)
            .ok()
            .filter(|d| (1..=600).contains(&d.as_secs()))
            .ok_or_else(|| bad("SMTP_TIMEOUT", format!("`{text}` is not a duration from 1s to 10m, like 20s")))?,
    };
    let capture = match get("MAIL_CAPTURE").as_deref().map(str::trim) {
        None | Some("off") => false,
        Some("on") => true,
        Some(other) => return Err(bad("MAIL_CAPTURE", format!("`{other}` is neither on nor off"))),
    };
    let from = get("MAIL_FROM").unwrap_or_else(|| "Onboard <onboard@localhost>".into());
    app::mail::transport::parse_mailbox(&from)
        .map_err(|e| bad("MAIL_FROM", format!("`{from}` is not an address like Onboard <onboard@example.com> ({e})")))?;
    Ok(Mail { smtp_url, timeout, capture, from })
}

/// The invitation settings: `INVITE_TTL`, `INVITE_REMINDER` and `INVITE_RATE_LIMIT`.
struct Invitations {
    ttl: Duration,
    reminder: Option<Duration>,
    rate_limit: u32,
}

fn invitations(get: Lookup) -> Result<Invitations, ConfigError> {
    let rate_limit = whole_number("INVITE_RATE_LIMIT", &get("INVITE_RATE_LIMIT").unwrap_or_else(|| "30".into()), 1_000_000)?;
    let ttl = duration("INVITE_TTL", &get("INVITE_TTL").unwrap_or_else(|| "72h".into()))?;
    let reminder = match get("INVITE_REMINDER").as_deref().map(str::trim) {
        None | Some("") | Some("off") => None,
        Some(text) => {
            let lead = duration("INVITE_REMINDER", text)?;
            if lead >= ttl {
                return Err(bad(
                    "INVITE_REMINDER",
                    format!("`{text}` is not shorter than INVITE_TTL: the reminder would go before the invitation"),
                ));
            }
            Some(lead)
        }
    };
    Ok(Invitations { ttl, reminder, rate_limit })
}

/// Leptos's own settings: the site's address and files, and DEV or PROD.
fn leptos_options(get: Lookup) -> Result<LeptosOptions, ConfigError> {
    let addr_text = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
    let site_addr: SocketAddr = addr_text
        .parse()
        .map_err(|_| bad("LEPTOS_SITE_ADDR", format!("`{addr_text}` is not an address like 127.0.0.1:3000")))?;
    let env = match get("LEPTOS_ENV").as_deref() {
        None | Some("DEV") | Some("dev") | Some("development") => leptos::config::Env::DEV,
        Some("PROD") | Some("prod") | Some("production") => leptos::config::Env::PROD,
        Some(other) => return Err(bad("LEPTOS_ENV", format!("`{other}` is neither DEV nor PROD"))),
    };
    Ok(LeptosOptions::builder()
        .output_name(get("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| "onboard".into()))
        .site_root(get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()))
        .site_pkg_dir(get("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into()))
        .site_addr(site_addr)
        .env(env)
        .reload_port(get("LEPTOS_RELOAD_PORT").and_then(|p| p.parse().ok()).unwrap_or(3001))
        .hash_files(hash_files(get("LEPTOS_HASH_FILES").as_deref(), hash_list_exists())?)
        .build())
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashed_names_follow_the_setting_or_the_list_and_are_refused_without_the_list() {
        assert_eq!(super::hash_files(None, true).unwrap(), true);
        assert_eq!(super::hash_files(None, false).unwrap(), false);
        assert_eq!(super::hash_files(Some("false"), true).unwrap(), false);
        assert_eq!(super::hash_files(Some("true"), true).unwrap(), true);
        assert!(super::hash_files(Some("true"), false).unwrap_err().to_string().contains("hash.txt"));
        assert!(super::hash_files(Some("yes"), true).is_err());
    }

    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn with_nothing_set_the_defaults_apply() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/onboard.db?mode=rwc");
        assert_eq!(c.database_max_connections, 24);
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:3000/");
        assert_eq!(c.invite_ttl, Duration::hours(72));
        assert_eq!(c.reset_ttl, Duration::hours(1));
        assert_eq!(c.session_ttl, Duration::hours(12));
        assert!(c.smtp_url.is_none());
        assert_eq!(c.invite_rate_limit, 30);
        assert_eq!(c.mail_from, "Onboard <onboard@localhost>");
        assert_eq!(c.site_addr.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn postgresql_gets_a_smaller_pool_unless_told() {
        let pg = [("DATABASE_URL", "postgres://postgres@127.0.0.1/onboard")];
        assert_eq!(config(&pg).unwrap().database_max_connections, 10);
        let told = [pg[0], ("DATABASE_MAX_CONNECTIONS", "40")];
        assert_eq!(config(&told).unwrap().database_max_connections, 40);
    }

    #[test]
    fn a_reminder_is_off_unless_set_and_must_come_before_expiry() {
        assert_eq!(config(&[]).unwrap().invite_reminder, None);
        assert_eq!(config(&[("INVITE_REMINDER", "off")]).unwrap().invite_reminder, None);
        assert_eq!(config(&[("INVITE_REMINDER", "24h")]).unwrap().invite_reminder, Some(Duration::hours(24)));
        assert!(config(&[("INVITE_REMINDER", "72h")]).is_err(), "as long as INVITE_TTL");
        assert!(config(&[("INVITE_REMINDER", "soon")]).is_err());
    }

    #[test]
    fn an_invite_ttl_like_30m_is_understood() {
        assert_eq!(config(&[("INVITE_TTL", "30m")]).unwrap().invite_ttl, Duration::minutes(30));
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (name, value) in [
            ("INVITE_TTL", "soon"),
            ("INVITE_TTL", "10s"),
            ("PUBLIC_URL", "not a url"),
            ("PUBLIC_URL", "ftp://example.com"),
            ("SMTP_URL", "http://mail.example.com"),
            ("DATABASE_URL", "mysql://localhost/onboard"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("DATABASE_MAX_CONNECTIONS", "many"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("INVITE_RATE_LIMIT", "0"),
            ("INVITE_RATE_LIMIT", "lots"),
            ("MAIL_FROM", "not an address"),
            ("SMTP_TIMEOUT", "0s"),
            ("SMTP_TIMEOUT", "1h"),
            ("MAIL_CAPTURE", "yes"),
            ("PASSWORD_HASH_QUEUE", "0"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal"),
        ] {
            let err = config(&[(name, value)]).unwrap_err();
            assert_eq!(err.name, name, "{value}");
        }
    }

    #[test]
    fn a_bad_database_url_is_reported_without_its_password() {
        let err = config(&[("DATABASE_URL", "mysql://onboard:hunter2secret@db/onboard")]).unwrap_err();
        assert_eq!(err.name, "DATABASE_URL");
        assert!(!err.to_string().contains("hunter2secret"), "{err}");
        assert!(err.to_string().contains("mysql://onboard:***@db/onboard"), "{err}");
        assert!(!without_password("not a url:hunter2secret@db").contains("hunter2secret"));
    }

    #[test]
    fn production_without_an_smtp_server_needs_mail_capture_switched_on() {
        let refused = config(&[("LEPTOS_ENV", "PROD")]).unwrap_err();
        assert_eq!(refused.name, "SMTP_URL");
        assert!(refused.message.contains("MAIL_CAPTURE=on"), "{refused}");
        assert!(config(&[("LEPTOS_ENV", "PROD"), ("MAIL_CAPTURE", "on")]).is_ok());
        assert!(config(&[("LEPTOS_ENV", "PROD"), ("SMTP_URL", "smtp://127.0.0.1:2525")]).is_ok());
        assert!(config(&[]).is_ok(), "DEV captures mail without being asked");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks_and_none_by_default() {
        assert!(config(&[]).unwrap().trusted_proxies.is_empty());
        let set = config(&[("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,fd00::/8")]).unwrap().trusted_proxies;
        let shown: Vec<String> = set.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]);
    }

    #[test]
    fn the_smtp_timeout_defaults_to_twenty_seconds() {
        assert_eq!(config(&[]).unwrap().smtp_timeout, std::time::Duration::from_secs(20));
        assert_eq!(config(&[("SMTP_TIMEOUT", "2s")]).unwrap().smtp_timeout, std::time::Duration::from_secs(2));
    }

    const VARIABLES: [&str; 16] = [
        "DATA_DIR", "DATABASE_URL", "DATABASE_MAX_CONNECTIONS", "PUBLIC_URL", "SMTP_URL", "SMTP_TIMEOUT",
        "PASSWORD_HASH_QUEUE", "MAIL_CAPTURE", "MAIL_FROM", "INVITE_RATE_LIMIT", "INVITE_TTL", "SESSION_TTL",
        "ORGANISATION_NAME", "LEPTOS_SITE_ADDR", "LEPTOS_ENV", "TRUSTED_PROXIES",
    ];

    proptest::proptest! {
        /// Whatever the operator sets, the server starts or names the variable that is wrong;
        /// it never panics.
        #[test]
        fn any_environment_gives_a_configuration_or_names_the_bad_variable(
            values in proptest::collection::vec(proptest::option::of(".{0,40}"), VARIABLES.len()),
        ) {
            let vars: Vec<(&str, &str)> =
                VARIABLES.iter().zip(&values).filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))).collect();
            if let Err(err) = config(&vars) {
                proptest::prop_assert!(VARIABLES.contains(&err.name), "{}", err);
            }
        }
    }
}

/// Whether the browser's files carry a hash of their content in their names: as
/// `LEPTOS_HASH_FILES` says, or else whether cargo-leptos left its list of hashes beside this
/// program (`listed`), as `hash-files = true` in Cargo.toml makes it do. Hashed names without
/// the list would name no file, so that is refused at start-up.
fn hash_files(setting: Option<&str>, listed: bool) -> Result<bool, ConfigError> {
    match setting {
        None => Ok(listed),
        Some("false") => Ok(false),
        Some("true") if listed => Ok(true),
        Some("true") => Err(bad("LEPTOS_HASH_FILES", "is true, but there is no hash.txt beside the server binary: copy it from the build")),
        Some(other) => Err(bad("LEPTOS_HASH_FILES", format!("must be true or false, not `{other}`"))),
    }
}

/// Whether cargo-leptos's `hash.txt` is beside this program.
fn hash_list_exists() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file())
}
