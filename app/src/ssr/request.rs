//! What a server function knows about the request: shared state and who is asking.

use crate::domain::Role;
use crate::error::AppError;
use http::request::Parts;
use leptos::prelude::{use_context, expect_context};
use leptos_axum::ResponseOptions;

/// The signed-in person making a request, as the session resolved them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i32,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    pub department_id: Option<i32>,
}

/// Request extension set by the server's session layer: `None` when nobody is signed in.
#[derive(Clone, Debug, Default)]
pub struct Viewer(pub Option<Actor>);

/// Request extension the session layer sets beside a signed-in [`Viewer`]: their own row as
/// it read it, so their profile is shown without reading the row again.
#[derive(Clone, Debug)]
pub struct ViewerRow(pub crate::ssr::entities::user::Model);

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| AppError::internal("server function called without request parts"))
}

/// A value the server placed on every request (the shared state, say).
pub fn request_extension<T: Clone + Send + Sync + 'static>() -> Result<T, AppError> {
    parts()?
        .extensions
        .get::<T>()
        .cloned()
        .ok_or_else(|| AppError::internal(format!("request extension {} missing", std::any::type_name::<T>())))
}

/// Who is asking, for per-client limits, as [`client_key`] names it ("unknown" when the server
/// was not given the connection's address). A connection from one of `settings`'
/// trusted proxies is known by the address the proxy says it forwarded (see [`real_client`]).
pub fn client_address(settings: &super::Settings) -> Result<String, AppError> {
    let parts = parts()?;
    let Some(peer) = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>() else {
        return Ok("unknown".to_owned());
    };
    let forwarded: Vec<&str> =
        parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
    Ok(client_key(real_client(peer.0.ip(), &forwarded, &settings.trusted_proxies)))
}

/// The client behind `peer`. If `peer` is a trusted proxy, `X-Forwarded-For` (each proxy
/// appends the address it received from) is read from the right: the first address that is
/// not itself a trusted proxy is the client. Anything a client wrote there itself stands to
/// the left of that and is never believed. An untrusted peer is the client, whatever it sends.
pub fn real_client(peer: std::net::IpAddr, forwarded_for: &[&str], trusted: &[ipnet::IpNet]) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops = forwarded_for.iter().flat_map(|h| h.split(',')).map(str::trim).rev();
    let mut client = peer;
    for hop in hops {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// One key per client: an IPv4 address as it is, an IPv6 address by its /64 prefix, since one
/// subscriber usually holds a whole /64 and could otherwise change address at every attempt.
pub fn client_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{client_key, real_client};

    #[test]
    fn x_forwarded_for_is_believed_only_from_a_trusted_proxy_and_read_from_the_right() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // Straight from a client: its own header means nothing.
        assert_eq!(real_client(ip("203.0.113.9"), &["198.51.100.1"], &trusted), ip("203.0.113.9"));
        // Through the proxy: the address the proxy received from.
        assert_eq!(real_client(ip("10.0.0.2"), &["203.0.113.9"], &trusted), ip("203.0.113.9"));
        // A forged hop to the left of the real one is ignored; proxies in the chain are skipped.
        assert_eq!(real_client(ip("10.0.0.2"), &["1.2.3.4, 203.0.113.9", "10.0.0.3"], &trusted), ip("203.0.113.9"));
        // No usable header: the proxy itself.
        assert_eq!(real_client(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
        assert_eq!(real_client(ip("10.0.0.2"), &["garbage"], &trusted), ip("10.0.0.2"));
        // Nothing trusted (the default): never believed.
        assert_eq!(real_client(ip("127.0.0.1"), &["203.0.113.9"], &[]), ip("127.0.0.1"));
    }

    #[test]
    fn an_ipv6_client_is_known_by_its_64_prefix_and_an_ipv4_one_by_its_address() {
        assert_eq!(client_key("2001:db8:aa:7:1:2:3:4".parse().unwrap()), "2001:db8:aa:7::/64");
        assert_eq!(client_key("2001:db8:aa:7:ffff::9".parse().unwrap()), "2001:db8:aa:7::/64");
        assert_eq!(client_key("10.0.0.7".parse().unwrap()), "10.0.0.7");
        assert_eq!(client_key("::ffff:10.0.0.7".parse().unwrap()), "10.0.0.7");
    }
}

/// The signed-in person, or `None`.
pub fn viewer() -> Result<Option<Actor>, AppError> {
    Ok(parts()?.extensions.get::<Viewer>().and_then(|v| v.0.clone()))
}

/// The signed-in person and their row, when someone is signed in.
pub fn viewer_with_row() -> Result<Option<(Actor, crate::ssr::entities::user::Model)>, AppError> {
    let parts = parts()?;
    let actor = parts.extensions.get::<Viewer>().and_then(|v| v.0.clone());
    let row = parts.extensions.get::<ViewerRow>().map(|r| r.0.clone());
    Ok(actor.zip(row))
}

pub fn require_actor() -> Result<Actor, AppError> {
    viewer()?.ok_or(AppError::Unauthenticated)
}

/// The signed-in person if they hold an admin role; `Forbidden` for everyone else.
pub fn require_admin() -> Result<Actor, AppError> {
    let actor = require_actor()?;
    if actor.role.is_admin() { Ok(actor) } else { Err(AppError::Forbidden) }
}

/// How long a client told "busy" (503) should wait before trying again.
const BUSY_RETRY_AFTER_SECS: &str = "2";

/// Sets the response status from the outcome, so HTTP clients see 401/403/404 and not 500.
///
/// During server rendering a page's data can still be loading in a part of the page that has
/// just been replaced (a guard around it resolved): that part's response options are gone, and
/// the answer is simply returned, as the part that replaced it loads its own.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let Some(response) = use_context::<ResponseOptions>() else {
            tracing::debug!(error = %err, "no response to set a status on: its part of the page is gone");
            return result;
        };
        if let Ok(status) = http::StatusCode::from_u16(err.status_code()) {
            response.set_status(status);
        }
        if *err == AppError::Busy {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from_static(BUSY_RETRY_AFTER_SECS));
        }
    }
    result
}

/// The value of our cookie `base` (named as [`Settings::cookie_name`] says) in a request's
/// headers, if the browser sent it.
///
/// [`Settings::cookie_name`]: super::Settings::cookie_name
pub fn cookie_value(headers: &http::HeaderMap, base: &str, settings: &super::Settings) -> Option<String> {
    let name = settings.cookie_name(base);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name.as_str())
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for one of our cookies: path `/`, HttpOnly, SameSite=Lax (it must come
/// back on a link followed from a mail client or another site), Secure over https. A zero
/// `max_age` removes the cookie.
pub fn cookie_header(
    name: &'static str,
    value: &str,
    max_age: cookie::time::Duration,
    settings: &super::Settings,
) -> String {
    cookie::Cookie::build((settings.cookie_name(name), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(settings.secure_cookies())
        .max_age(max_age)
        .build()
        .to_string()
}

/// Adds a `Set-Cookie` header to the response of the current server function.
pub fn set_cookie(value: String) -> Result<(), AppError> {
    let header = http::HeaderValue::from_str(&value).map_err(|e| AppError::internal(format!("bad Set-Cookie value: {e}")))?;
    expect_context::<ResponseOptions>().append_header(http::header::SET_COOKIE, header);
    Ok(())
}
