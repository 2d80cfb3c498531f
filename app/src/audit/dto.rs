use chrono::{DateTime, Utc};
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
}

impl AuditEventType {
    pub const ALL: [AuditEventType; 7] = [
        AuditEventType::InvitationSent,
        AuditEventType::InvitationResent,
        AuditEventType::InvitationRevoked,
        AuditEventType::HandoutIssued,
        AuditEventType::UserCreated,
        AuditEventType::SignInLocked,
        AuditEventType::SignInUnlocked,
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
    pub occurred_at: DateTime<Utc>,
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
