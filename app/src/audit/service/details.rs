//! What an audit event records beside its type and subject: one typed set of facts, written by
//! the feature that records the event and read back by the Audit log, so a writer and the log
//! can never spell a fact two ways. Stored as JSON in `audit_events.details`; a fact an event
//! does not have is left out. Never a token, a hash, a setup code or a password.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditDetails {
    /// A unit's name, or a shop-floor worker's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    /// A role's label, as the admin chose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_by: Option<String>,
    /// The invitation an account was made from (kept, not shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<i32>,
    /// What a change changed from and to (a role's label, a unit's name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// An import's file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitations_stopped: Option<i64>,
}

impl AuditDetails {
    /// A person or invitation named by email address or (shop-floor) employee number.
    pub fn who(email: Option<String>, employee_number: Option<String>) -> Self {
        AuditDetails { email, employee_number, ..Default::default() }
    }

    /// A count as the details hold it.
    pub fn count<N: TryInto<i64>>(n: N) -> Option<i64> {
        n.try_into().ok()
    }

    /// The JSON stored for these details.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The details stored as `json`; what cannot be read shows as nothing rather than hiding
    /// the event.
    pub fn from_json(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// The facts the Audit log shows, as (label, value) pairs in a stable order.
    pub fn shown(&self) -> Vec<(String, String)> {
        let text = |label: &str, value: &Option<String>| value.clone().map(|v| (label.to_owned(), v));
        let number = |label: &str, value: Option<i64>| value.map(|v| (label.to_owned(), v.to_string()));
        [
            text("Name", &self.name),
            text("Email", &self.email),
            text("Employee number", &self.employee_number),
            text("Role", &self.role),
            text("Department", &self.department),
            text("Location", &self.location),
            text("Invited by", &self.invited_by),
            text("From", &self.from),
            text("To", &self.to),
            text("Reason", &self.reason),
            text("File", &self.file_name),
            number("Rows", self.rows),
            number("Sent", self.sent),
            number("Failed", self.failed),
            number("Not imported", self.skipped),
            number("Cancelled", self.cancelled),
            number("Workers", self.workers),
            number("Pending invitations stopped", self.invitations_stopped),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_facts_are_left_out_of_the_stored_json_and_read_back_as_absent() {
        let details = AuditDetails { rows: AuditDetails::count(3_usize), ..AuditDetails::who(Some("a@example.com".into()), None) };
        assert_eq!(details.to_json(), r#"{"email":"a@example.com","rows":3}"#);
        assert_eq!(AuditDetails::from_json(&details.to_json()), details);
        assert_eq!(details.shown(), vec![("Email".into(), "a@example.com".into()), ("Rows".into(), "3".into())]);
    }

    #[test]
    fn details_that_cannot_be_read_show_nothing() {
        assert_eq!(AuditDetails::from_json("not json"), AuditDetails::default());
        assert!(AuditDetails::from_json("{}").shown().is_empty());
    }
}
