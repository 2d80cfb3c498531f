use crate::domain::Role;
use crate::when::Moment;
use serde::{Deserialize, Serialize};

/// What the invitee sees of their invitation: all of it comes from the invitation, none of it
/// from the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub organisation: String,
    pub inviter: String,
    pub email: Option<String>,
    pub role: Role,
    pub department: Option<String>,
    pub location: Option<String>,
    pub expires_at: Moment,
}

/// What the invitation page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationPage {
    /// A usable invitation: the form.
    Open(InvitationDetails),
    /// Someone is signed in on this browser: they must sign out first. The invitation is not
    /// looked at, so nothing about it is shown to them.
    SignedIn { name: String },
}

/// The only fields `/api/accept_invitation` takes: the server refuses a submission with any other.
pub const ACCEPT_FIELDS: [&str; 7] =
    ["password", "password_confirmation", "first_name", "last_name", "job_title", "phone", "language"];

/// The accept form as submitted; nothing here is trusted yet. Not `Debug`: it holds a password.
#[derive(Clone, Default)]
pub struct AcceptForm {
    pub password: String,
    pub password_confirmation: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub phone: String,
    pub language: String,
}

/// The only fields `/api/complete_setup` takes.
pub const SETUP_FIELDS: [&str; 9] = [
    "employee_number", "setup_code", "secret", "secret_confirmation", "first_name", "last_name", "job_title", "phone",
    "language",
];

/// What the setup page shows: whether someone is signed in, and whether a QR link brought the
/// code along (it is never sent back to the page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupPageInfo {
    pub signed_in_as: Option<String>,
    pub code_from_link: bool,
}

/// The shop-floor setup form as submitted; nothing here is trusted yet. Not `Debug`.
#[derive(Clone, Default)]
pub struct SetupForm {
    pub employee_number: String,
    pub setup_code: String,
    /// A PIN (digits only) or a password.
    pub secret: String,
    pub secret_confirmation: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    pub phone: String,
    pub language: String,
}
