//! Authority follows the role: an admin who is demoted, moved to another department or
//! deactivated no longer stands behind the invitations they sent into what they no longer
//! administer. Those not accepted or revoked yet (pending, or run out and still renewable) are
//! revoked in the same transaction as the change.

use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject, record};
use crate::mail::outbox;
use crate::policy::Scope;
use crate::ssr::entities::invitation;
use crate::ssr::models::invitation::{RENEWABLE, revoke};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Why an inviter's invitations were revoked, as the Audit log says it.
#[derive(Clone, Copy, Debug)]
pub enum LostAuthority {
    RoleChanged,
    DepartmentChanged,
    Deactivated,
}

impl LostAuthority {
    fn reason(self) -> &'static str {
        match self {
            LostAuthority::RoleChanged => "The inviter's role changed",
            LostAuthority::DepartmentChanged => "The inviter moved to another department",
            LostAuthority::Deactivated => "The inviter was deactivated",
        }
    }
}

/// Revokes `inviter_id`'s open invitations that `remaining` (their scope after the change;
/// `None` when they administer nothing any more) does not cover, cancels their unsent mail,
/// and records why, each as an event by `actor_id`. Answers how many were revoked.
pub async fn revoke_lost_authority(
    txn: &impl ConnectionTrait,
    inviter_id: i32,
    remaining: Option<Scope>,
    why: LostAuthority,
    actor_id: i32,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    // Run-out invitations too: Resend and a handout sheet can renew them.
    let open = invitation::Entity::find()
        .filter(invitation::Column::InvitedBy.eq(inviter_id))
        .filter(invitation::Column::Status.is_in(RENEWABLE))
        .all(txn)
        .await?;
    let mut revoked = 0;
    for inv in open.into_iter().filter(|inv| !remaining.is_some_and(|scope| scope.covers(inv.department_id))) {
        if !revoke(txn, inv.id, now).await? {
            continue;
        }
        outbox::cancel_unsent(txn, inv.id).await?;
        let event = NewAuditEvent {
            event_type: AuditEventType::InvitationRevokedLostAuthority,
            actor_user_id: Some(actor_id),
            subject: Subject::Invitation(inv.id),
            department_id: inv.department_id,
            details: AuditDetails { reason: Some(why.reason().to_owned()), ..AuditDetails::who(inv.email.clone(), inv.employee_number.clone()) },
        };
        record(txn, event, now).await?;
        revoked += 1;
    }
    if revoked > 0 {
        tracing::info!(inviter_id, revoked, "pending invitations revoked: their inviter lost authority");
    }
    Ok(revoked)
}
