use crate::when::Moment;
use serde::{Deserialize, Serialize};

/// The kinds of event the audit log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditEventType {
    InvitationSent,
    InvitationResent,
    InvitationRevoked,
    /// A shop-floor worker's setup handout was issued (the code itself is never recorded).
    HandoutIssued,
    /// An invitee completed sign-up: the spec's "create" event.
    UserCreated,
    /// Sign-in to an account was locked after repeated wrong passwords or PINs.
    SignInLocked,
    /// An admin lifted the sign-in locks on an account.
    SignInUnlocked,
    RoleChanged,
    DepartmentChanged,
    LocationChanged,
    Deactivated,
    Reactivated,
    /// A pending invitation was revoked because its inviter no longer administers its
    /// department (demoted, moved or deactivated).
    InvitationRevokedLostAuthority,
    PasswordResetSent,
    PasswordResetCompleted,
    /// A shop-floor worker's PIN-reset handout was issued (the code is never recorded).
    PinResetIssued,
    PinResetCompleted,
    ImportStarted,
    ImportFinished,
    ImportCancelled,
    /// An import's handout sheet of shop-floor setup codes was printed (never the codes).
    HandoutSheetIssued,
    /// A department or location was added (by the Corporate Admin, or the server's CLI).
    UnitAdded,
    UnitRenamed,
    /// A department or location was archived: the invitations still pending into it stop working.
    UnitArchived,
    UnitRestored,
}

impl AuditEventType {
    pub const ALL: [AuditEventType; 25] = [
        AuditEventType::InvitationSent,
        AuditEventType::InvitationResent,
        AuditEventType::InvitationRevoked,
        AuditEventType::HandoutIssued,
        AuditEventType::UserCreated,
        AuditEventType::SignInLocked,
        AuditEventType::SignInUnlocked,
        AuditEventType::RoleChanged,
        AuditEventType::DepartmentChanged,
        AuditEventType::LocationChanged,
        AuditEventType::Deactivated,
        AuditEventType::Reactivated,
        AuditEventType::InvitationRevokedLostAuthority,
        AuditEventType::PasswordResetSent,
        AuditEventType::PasswordResetCompleted,
        AuditEventType::PinResetIssued,
        AuditEventType::PinResetCompleted,
        AuditEventType::ImportStarted,
        AuditEventType::ImportFinished,
        AuditEventType::ImportCancelled,
        AuditEventType::HandoutSheetIssued,
        AuditEventType::UnitAdded,
        AuditEventType::UnitRenamed,
        AuditEventType::UnitArchived,
        AuditEventType::UnitRestored,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEventType::InvitationSent => "invitation.sent",
            AuditEventType::InvitationResent => "invitation.resent",
            AuditEventType::InvitationRevoked => "invitation.revoked",
            AuditEventType::HandoutIssued => "invitation.handout_issued",
            AuditEventType::UserCreated => "user.created",
            AuditEventType::SignInLocked => "user.sign_in_locked",
            AuditEventType::SignInUnlocked => "user.sign_in_unlocked",
            AuditEventType::RoleChanged => "user.role_changed",
            AuditEventType::DepartmentChanged => "user.department_changed",
            AuditEventType::LocationChanged => "user.location_changed",
            AuditEventType::Deactivated => "user.deactivated",
            AuditEventType::Reactivated => "user.reactivated",
            AuditEventType::InvitationRevokedLostAuthority => "invitation.revoked_lost_authority",
            AuditEventType::PasswordResetSent => "user.password_reset_sent",
            AuditEventType::PasswordResetCompleted => "user.password_reset_completed",
            AuditEventType::PinResetIssued => "user.pin_reset_issued",
            AuditEventType::PinResetCompleted => "user.pin_reset_completed",
            AuditEventType::ImportStarted => "import.started",
            AuditEventType::ImportFinished => "import.finished",
            AuditEventType::ImportCancelled => "import.cancelled",
            AuditEventType::HandoutSheetIssued => "import.handout_sheet_issued",
            AuditEventType::UnitAdded => "unit.added",
            AuditEventType::UnitRenamed => "unit.renamed",
            AuditEventType::UnitArchived => "unit.archived",
            AuditEventType::UnitRestored => "unit.restored",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditEventType::InvitationSent => "Invitation sent",
            AuditEventType::InvitationResent => "Invitation resent",
            AuditEventType::InvitationRevoked => "Invitation revoked",
            AuditEventType::HandoutIssued => "Shop-floor handout issued",
            AuditEventType::UserCreated => "Create",
            AuditEventType::SignInLocked => "Sign-in locked",
            AuditEventType::SignInUnlocked => "Sign-in unlocked",
            AuditEventType::RoleChanged => "Role changed",
            AuditEventType::DepartmentChanged => "Department changed",
            AuditEventType::LocationChanged => "Location changed",
            AuditEventType::Deactivated => "Deactivated",
            AuditEventType::Reactivated => "Reactivated",
            AuditEventType::InvitationRevokedLostAuthority => "Invitation revoked: inviter lost authority",
            AuditEventType::PasswordResetSent => "Password reset sent",
            AuditEventType::PasswordResetCompleted => "Password reset completed",
            AuditEventType::PinResetIssued => "PIN reset issued",
            AuditEventType::PinResetCompleted => "PIN reset completed",
            AuditEventType::ImportStarted => "Import started",
            AuditEventType::ImportFinished => "Import finished",
            AuditEventType::ImportCancelled => "Import cancelled",
            AuditEventType::HandoutSheetIssued => "Handout sheet issued",
            AuditEventType::UnitAdded => "Unit added",
            AuditEventType::UnitRenamed => "Unit renamed",
            AuditEventType::UnitArchived => "Unit archived",
            AuditEventType::UnitRestored => "Unit restored",
        }
    }

    pub fn parse(stored: &str) -> Option<AuditEventType> {
        AuditEventType::ALL.into_iter().find(|t| t.as_str() == stored)
    }
}

/// One event as the Audit log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i32,
    pub occurred_at: Moment,
    /// The event's label ("Invitation sent", "Create").
    pub event: String,
    pub actor: Option<String>,
    pub subject: String,
    /// What the event recorded, as (label, value) pairs in a stable order.
    pub details: Vec<(String, String)>,
}

/// The Audit log's filters as they travel in the address: all optional, "" when unset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    /// `AuditEventType::as_str()`.
    pub event: String,
    /// First day, `YYYY-MM-DD`, in the viewer's time zone.
    pub from: String,
    /// Last day (included), `YYYY-MM-DD`, in the viewer's time zone.
    pub to: String,
    /// The viewer's offset east of UTC in minutes; 0 (UTC) when the browser has not said.
    pub tz: i32,
}
