use crate::audit::dto::AuditRow;
use crate::domain::Role;
use crate::organisation::dto::Unit;
use crate::when::Moment;
use serde::{Deserialize, Serialize};

/// Whether a person may sign in at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonStatus {
    Active,
    Deactivated,
}

impl PersonStatus {
    pub fn label(self) -> &'static str {
        match self {
            PersonStatus::Active => "Active",
            PersonStatus::Deactivated => "Deactivated",
        }
    }
}

/// What the signed-in admin may do on this person's page: the policy's answers, so the page
/// offers what the server allows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonActions {
    pub change_assignment: bool,
    /// Role and department are fixed (the admin's own page); the location may still change.
    pub own_page: bool,
    pub deactivate: bool,
    pub reactivate: bool,
    pub send_password_reset: bool,
    pub reset_pin: bool,
    pub unlock: bool,
}

/// The choices the assignment form offers, from the same rules the server checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentChoices {
    pub roles: Vec<Role>,
    /// Departments to choose from; empty when the department is fixed (a Quality or HR Admin
    /// cannot move people out of theirs).
    pub departments: Vec<Unit>,
    pub locations: Vec<Unit>,
}

/// One person as their page shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetails {
    pub id: i32,
    pub name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    pub role: Role,
    pub department_id: Option<i32>,
    pub department: Option<String>,
    pub location_id: Option<i32>,
    pub location: Option<String>,
    pub status: PersonStatus,
    /// When a sign-in lock on the account ends, if one holds now.
    pub locked_until: Option<Moment>,
    pub joined: Moment,
    pub invited_by: Option<String>,
    pub last_sign_in: Option<Moment>,
    /// The version this read saw; a save sends it back.
    pub version: i32,
    pub recent_events: Vec<AuditRow>,
    pub actions: PersonActions,
    pub choices: AssignmentChoices,
}

/// The buttons of the person page's Access section: one server function takes them all.
/// A form sends `as_str()`, which is also how it is read and written on the wire (by hand
/// rather than derived: the browser already reads strings, and a derived enum reader is
/// several KB of WASM).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonAction {
    Deactivate,
    Reactivate,
    SendPasswordReset,
    ResetPin,
    Unlock,
}

impl Serialize for PersonAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PersonAction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PersonAction::ALL
            .into_iter()
            .find(|a| a.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown action `{text}`")))
    }
}

impl PersonAction {
    pub const ALL: [PersonAction; 5] =
        [PersonAction::Deactivate, PersonAction::Reactivate, PersonAction::SendPasswordReset, PersonAction::ResetPin, PersonAction::Unlock];

    /// The value a form sends.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonAction::Deactivate => "deactivate",
            PersonAction::Reactivate => "reactivate",
            PersonAction::SendPasswordReset => "send_password_reset",
            PersonAction::ResetPin => "reset_pin",
            PersonAction::Unlock => "unlock",
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            PersonAction::Deactivate => "Deactivate",
            PersonAction::Reactivate => "Reactivate",
            PersonAction::SendPasswordReset => "Send password reset",
            PersonAction::ResetPin => "Reset PIN",
            PersonAction::Unlock => "Unlock",
        }
    }

    /// For an action that cannot be undone, what to ask before it is taken on `name`, and what
    /// happens then; `None` for the others.
    pub fn confirmation(self, name: &str) -> Option<(String, &'static str)> {
        match self {
            PersonAction::Deactivate => Some((
                format!("Deactivate {name}?"),
                "They are signed out now and cannot sign in until reactivated. Their history is kept.",
            )),
            PersonAction::ResetPin => Some((
                format!("Reset {name}'s PIN?"),
                "Their current PIN stops working now. They need the new handout to choose a new one.",
            )),
            _ => None,
        }
    }

    /// What the page says once it is done.
    pub fn done(self) -> &'static str {
        match self {
            PersonAction::Deactivate => "Deactivated: their sessions have ended.",
            PersonAction::Reactivate => "Reactivated: they can sign in with their password or PIN again.",
            PersonAction::SendPasswordReset => "A password reset link is on its way.",
            PersonAction::ResetPin => "Their old PIN no longer works. Hand over the new setup code below.",
            PersonAction::Unlock => "Sign-in unlocked.",
        }
    }
}

/// What an Access button did: its message, and the handout for Reset PIN (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonActionDone {
    pub message: String,
    pub handout: Option<crate::invitations::dto::Handout>,
}

#[cfg(test)]
mod tests {
    use super::PersonAction;

    /// Deactivate and Reset PIN cannot be undone: they ask first, naming the person; the others
    /// act at once.
    #[test]
    fn only_what_cannot_be_undone_asks_first_and_names_the_person() {
        for action in PersonAction::ALL {
            let asked = action.confirmation("Tariq Aziz");
            match action {
                PersonAction::Deactivate | PersonAction::ResetPin => {
                    let (question, consequence) = asked.expect("asks first");
                    assert!(question.contains("Tariq Aziz") && !consequence.is_empty(), "{question}");
                }
                _ => assert!(asked.is_none(), "{action:?} acts at once"),
            }
        }
    }

    /// The forms send `as_str()`, which the server function reads back; anything else is refused.
    #[test]
    fn every_person_action_is_read_by_the_name_its_form_sends() {
        for action in PersonAction::ALL {
            let sent = serde_json::to_string(&action).unwrap();
            assert_eq!(sent, format!("\"{}\"", action.as_str()));
            assert_eq!(serde_json::from_str::<PersonAction>(&sent).unwrap(), action);
        }
        assert!(serde_json::from_str::<PersonAction>("\"promote\"").is_err());
    }
}
