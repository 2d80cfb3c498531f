use crate::domain::{IdentityKind, Role};
use crate::when::Moment;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

impl InvitationStatus {
    pub fn label(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "Pending",
            InvitationStatus::Accepted => "Accepted",
            InvitationStatus::Expired => "Expired",
            InvitationStatus::Revoked => "Revoked",
        }
    }
}

impl InvitationStatus {
    pub const ALL: [InvitationStatus; 4] =
        [InvitationStatus::Pending, InvitationStatus::Accepted, InvitationStatus::Expired, InvitationStatus::Revoked];

    /// The status a filter link names by its label (`?status=Pending`), if any.
    pub fn from_label(label: &str) -> Option<InvitationStatus> {
        InvitationStatus::ALL.into_iter().find(|s| s.label() == label)
    }

    /// Resend and Revoke apply until the invitation is accepted or revoked.
    pub fn is_open(self) -> bool {
        matches!(self, InvitationStatus::Pending | InvitationStatus::Expired)
    }
}

/// Where the invitation email is: the newest outbox row for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    Queued,
    Sent,
    Retrying,
    Failed,
    /// Not sent: the invitation was revoked, or resent with a new link, first.
    Cancelled,
}

impl Delivery {
    pub fn label(self) -> &'static str {
        match self {
            Delivery::Queued => "Queued",
            Delivery::Sent => "Sent",
            Delivery::Retrying => "Retrying",
            Delivery::Failed => "Failed",
            Delivery::Cancelled => "Cancelled",
        }
    }
}

/// What the Invite dialog may offer this admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteChoices {
    pub departments: Vec<crate::organisation::dto::Unit>,
    pub locations: Vec<crate::organisation::dto::Unit>,
    /// Set for a Quality or HR Admin: the only department they may invite into.
    pub fixed_department: Option<crate::organisation::dto::Unit>,
    pub remaining_this_hour: u32,
    pub hourly_limit: u32,
}

/// One invitation in the Invitations tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i32,
    /// How the invitee is known: for a shop-floor worker, `invitee` is their employee number.
    pub known_by: IdentityKind,
    /// The email address, or the employee number for a shop-floor employee.
    pub invitee: String,
    pub role: Role,
    pub department: Option<String>,
    pub location: Option<String>,
    pub invited_by: String,
    pub sent_at: Moment,
    pub expires_at: Moment,
    pub status: InvitationStatus,
    /// `None` when no email was ever queued (shop-floor handouts).
    pub delivery: Option<Delivery>,
    /// The reminder before expiry (`INVITE_REMINDER`) has been sent.
    pub reminded: bool,
}

/// The printable handout for a shop-floor worker, shown to the admin once, right after it is
/// made: only a hash of the code is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handout {
    pub invitation_id: i32,
    /// The organisation's name, printed at the top.
    pub organisation: String,
    pub name: String,
    pub employee_number: String,
    /// Grouped for reading aloud, like `7K4M-QX2P-9RTW`.
    pub setup_code: String,
    /// The setup page with the code in it, for the QR code.
    pub setup_link: String,
    /// `setup_link` as a QR code, an inline SVG drawn on the server.
    pub qr_svg: String,
    pub expires_at: Moment,
}
