//! The handout sheet of an import: new setup codes, made at this moment, for every shop-floor
//! worker of the import who has not set up yet and whom the admin may still resend to. Only the
//! codes' hashes are kept; printing again makes new codes and kills the old ones.
//!
//! A sheet is Resend for many workers at once: each worker goes by Resend's rules, and the
//! sheet counts as one attempt toward the admin's hourly limit (the workers counted when the
//! import sent them). The codes are renewed a chunk per transaction, so sign-ins and
//! invitations wait for at most one chunk, and the QR codes are drawn after the commit, off the
//! async workers.

use super::job::import_event;
use super::progress::find_visible;
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, record};
use crate::error::AppError;
use crate::imports::dto::HandoutCard;
use crate::invitations::service::{draw_handouts, reissue_codes, reserve_attempt};
use crate::organisation::dto::UnitKind;
use crate::organisation::service::unit_names;
use crate::ssr::entities::{import_row, invitation};
use crate::ssr::models::invitation::RENEWABLE;
use crate::ssr::{Actor, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

/// Workers whose codes are renewed in one transaction.
const CHUNK: usize = 100;

/// Prints import `id`'s handout sheet for `actor`: one card per worker waiting to set up,
/// sorted by department and name, and a "Handout sheet issued" event with how many.
#[tracing::instrument(name = "print_handouts", skip_all, fields(import_id = id))]
pub async fn print_handouts(
    db: &DatabaseConnection,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    id: i32,
) -> Result<Vec<HandoutCard>, AppError> {
    let job = find_visible(db, actor, id).await?;
    let invitation_ids: Vec<i32> = import_row::Entity::find()
        .select_only()
        .column(import_row::Column::InvitationId)
        .filter(import_row::Column::ImportId.eq(id))
        .filter(import_row::Column::Kind.eq(import_row::Kind::ShopFloor))
        .filter(import_row::Column::State.eq(import_row::State::Sent))
        .into_tuple::<Option<i32>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let mut waiting = Vec::new();
    for chunk in invitation_ids.chunks(500) {
        waiting.extend(
            invitation::Entity::find()
                .filter(invitation::Column::Id.is_in(chunk.iter().copied()))
                .filter(invitation::Column::Status.is_in(RENEWABLE))
                .all(db)
                .await?,
        );
    }
    if waiting.is_empty() {
        return Err(AppError::Invalid("No shop-floor employee of this import is waiting for a setup code.".into()));
    }
    let txn = begin_write(db).await?;
    reserve_attempt(&txn, actor.user_id, now, settings.invite_rate_limit).await?;
    txn.commit().await?;
    let mut issued = Vec::new();
    let chunks: Vec<_> = waiting.chunks(CHUNK).collect();
    for (at, chunk) in chunks.iter().enumerate() {
        let txn = begin_write(db).await?;
        issued.extend(reissue_codes(&txn, actor, settings, chunk, now).await?);
        if at + 1 == chunks.len() {
            let details = AuditDetails { file_name: Some(job.file_name.clone()), workers: AuditDetails::count(issued.len()), ..Default::default() };
            let event = NewAuditEvent { actor_user_id: Some(actor.user_id), ..import_event(AuditEventType::HandoutSheetIssued, &job, details) };
            record(&txn, event, now).await?;
        }
        txn.commit().await?;
    }
    let drawn_settings = settings.clone();
    let handouts = tokio::task::spawn_blocking(move || draw_handouts(&drawn_settings, issued))
        .await
        .map_err(|e| AppError::internal(format!("drawing a handout sheet failed: {e}")))??;
    let departments = unit_names(db, UnitKind::Department).await?;
    let department_of: std::collections::HashMap<i32, Option<String>> =
        waiting.iter().map(|inv| (inv.id, inv.department_id.and_then(|d| departments.get(&d).cloned()))).collect();
    let mut cards: Vec<HandoutCard> = handouts
        .into_iter()
        .map(|handout| HandoutCard { department: department_of.get(&handout.invitation_id).cloned().flatten(), handout })
        .collect();
    cards.sort_by(|a, b| (&a.department, &a.handout.name).cmp(&(&b.department, &b.handout.name)));
    tracing::info!(import_id = id, workers = cards.len(), "handout sheet issued");
    Ok(cards)
}
