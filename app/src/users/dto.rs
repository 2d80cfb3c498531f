use crate::domain::Role;
use crate::organisation::dto::Unit;
use serde::{Deserialize, Serialize};

/// One person in the Users tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    pub role: Role,
    pub department: Option<String>,
    pub location: Option<String>,
    /// Cannot sign in right now after repeated failures (for everyone, or from some client).
    pub locked: bool,
    pub deactivated: bool,
}

/// Which people the Users tab shows, as the filters travel in the address: all optional, ""
/// when unset. A bookmark of a filtered view keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserFilter {
    /// Words of a name (any case, with or without accents), an email address or an employee
    /// number; each must begin a word the person is found by.
    pub q: String,
    /// `Role::as_str()`.
    pub role: String,
    /// A department id.
    pub department: String,
    /// A location id.
    pub location: String,
    /// `active` (the default when empty), `deactivated` or `all`.
    pub status: String,
}

impl UserFilter {
    /// The filters as address parameters (`key=value&` each), for links that keep them.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (key, value) in [("q", &self.q), ("role", &self.role), ("department", &self.department), ("location", &self.location), ("status", &self.status)] {
            if !value.trim().is_empty() {
                out.push_str(key);
                out.push('=');
                for byte in value.trim().bytes() {
                    match byte {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
                        b' ' => out.push('+'),
                        other => out.push_str(&format!("%{other:02X}")),
                    }
                }
                out.push('&');
            }
        }
        out
    }
}

/// What the Users tab's filters offer the signed-in admin.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserFilterChoices {
    /// Empty for a Quality or HR Admin: they only ever see their own department.
    pub departments: Vec<Unit>,
    pub locations: Vec<Unit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_travel_in_the_address_encoded() {
        let filter = UserFilter { q: "José Ó&x".into(), role: "team_lead".into(), ..Default::default() };
        assert_eq!(filter.query_string(), "q=Jos%C3%A9+%C3%93%26x&role=team_lead&");
        assert_eq!(UserFilter::default().query_string(), "");
    }
}
