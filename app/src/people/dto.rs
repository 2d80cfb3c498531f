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
/// A form sends `as_str()`, which is also the serde name the server function reads it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonAction {
    Deactivate,
    Reactivate,
    SendPasswordReset,
    ResetPin,
    Unlock,
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

    /// The forms send `as_str()` and the server function reads the serde name: they must agree.
    #[test]
    fn every_person_action_is_read_by_the_name_its_form_sends() {
        for action in PersonAction::ALL {
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{}\"", action.as_str()));
        }
    }
}
