//! The preview of an uploaded file, and starting its import: the same reading and checks, so
//! what starts is what was previewed (the file's digest must match too).

use super::check::{Checked, check_rows};
use super::files::preview_csv;
use super::sheet::{self, MAX_BYTES};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{NewAuditEvent, Subject, record};
use crate::error::AppError;
use crate::imports::dto::{ImportPreview, RowOutcome};
use crate::invitations::service::remaining_this_hour;
use crate::policy::{InviteKind, Scope};
use crate::ssr::entities::{import, import_row};
use crate::ssr::{Actor, Settings, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use sha2::{Digest, Sha256};

/// An uploaded file, as the browser sent it.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// The name to show: the last part of what the browser sent, without control characters,
    /// at most 200 characters.
    pub fn shown_name(&self) -> String {
        let base = self.file_name.rsplit(['/', '\\']).next().unwrap_or_default();
        let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
        if clean.trim().is_empty() { "upload".to_owned() } else { clean.trim().to_owned() }
    }

    /// The SHA-256 of the file, in hex.
    pub fn digest(&self) -> String {
        Sha256::digest(&self.bytes).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The file's rows, read and checked for `actor` at `now`, and the header names that are not
/// import columns.
async fn read_and_check(
    db: &impl ConnectionTrait,
    actor: &Actor,
    upload: &Upload,
    now: DateTime<Utc>,
) -> Result<(Vec<String>, Vec<Checked>), AppError> {
    let scope = Scope::of(actor)?;
    let sheet = sheet::read(&upload.bytes).map_err(|problem| AppError::Invalid(problem.0))?;
    Ok((sheet.unknown_columns, check_rows(db, scope, &sheet.rows, now).await?))
}

/// What importing `upload` would do, row by row; writes nothing.
pub async fn preview(
    db: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    now: DateTime<Utc>,
    upload: &Upload,
) -> Result<ImportPreview, AppError> {
    let (unknown_columns, checked) = read_and_check(db, actor, upload, now).await?;
    let rows: Vec<_> = checked.into_iter().map(|c| c.view).collect();
    let totals = RowOutcome::ALL.into_iter().map(|o| (o, rows.iter().filter(|r| r.outcome == o).count() as u32)).collect();
    Ok(ImportPreview {
        file_name: upload.shown_name(),
        digest: upload.digest(),
        unknown_columns,
        totals,
        csv: preview_csv(&rows),
        rows,
        remaining_this_hour: remaining_this_hour(db, actor.user_id, now, settings.invite_rate_limit).await?,
        hourly_limit: settings.invite_rate_limit,
    })
}

/// Starts importing `upload` (previewed with `digest`): one job and a row per line of the
/// file, written with an "Import started" event in one transaction. Rows the preview refused
/// are kept as skipped, so the result names every row. Answers the import's id.
pub async fn start(
    db: &DatabaseConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    upload: &Upload,
    digest: &str,
) -> Result<i32, AppError> {
    if upload.digest() != digest {
        return Err(AppError::Invalid("The file is not the one previewed: preview it again, then start the import.".into()));
    }
    let (_, checked) = read_and_check(db, actor, upload, now).await?;
    if !checked.iter().any(|c| c.plan.is_some()) {
        return Err(AppError::Invalid(
            "No row of this file can be imported: correct the rows the preview marks and upload the file again.".into(),
        ));
    }
    let file_name = upload.shown_name();
    let txn = begin_write(db).await?;
    let job = import::ActiveModel {
        admin_id: Set(actor.user_id),
        file_name: Set(file_name.clone()),
        total_rows: Set(checked.len() as i32),
        state: Set(import::State::Running),
        created_at: Set(now),
        next_run_at: Set(now),
        department_id: Set(actor.department_id),
        ..Default::default()
    };
    let id = import::Entity::insert(job).exec(&txn).await?.last_insert_id;
    let rows: Vec<import_row::ActiveModel> = checked.into_iter().map(|c| row_of(id, c)).collect();
    // A few hundred rows per statement: both databases bound a statement's values.
    for chunk in rows.chunks(400) {
        import_row::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    let event = NewAuditEvent {
        event_type: AuditEventType::ImportStarted,
        actor_user_id: Some(actor.user_id),
        subject: Subject::Import(id),
        department_id: actor.department_id,
        details: serde_json::json!({ "file_name": file_name, "rows": rows.len() }),
    };
    record(&txn, event, now).await?;
    txn.commit().await?;
    tracing::info!(import_id = id, admin_id = actor.user_id, rows = rows.len(), "import started");
    Ok(id)
}

fn row_of(import_id: i32, checked: Checked) -> import_row::ActiveModel {
    let view = checked.view;
    let base = import_row::ActiveModel {
        import_id: Set(import_id),
        row_number: Set(view.number as i32),
        identifier: Set(view.identifier.chars().take(320).collect()),
        email: Set(None),
        first_name: Set(None),
        last_name: Set(None),
        employee_number: Set(None),
        department_id: Set(None),
        location_id: Set(None),
        invitation_id: Set(None),
        done_at: Set(None),
        ..Default::default()
    };
    match checked.plan {
        Some(plan) => import_row::ActiveModel {
            kind: Set(match plan.kind {
                InviteKind::Email => import_row::Kind::Email,
                InviteKind::ShopFloor => import_row::Kind::ShopFloor,
            }),
            email: Set(plan.email.map(|e| e.as_str().to_owned())),
            first_name: Set(plan.first_name),
            last_name: Set(plan.last_name),
            employee_number: Set(plan.employee_number.map(|n| n.as_str().to_owned())),
            role: Set(plan.role.as_str().to_owned()),
            department_id: Set(plan.department_id),
            location_id: Set(plan.location_id),
            state: Set(import_row::State::Queued),
            reason: Set(None),
            ..base
        },
        None => import_row::ActiveModel {
            kind: Set(import_row::Kind::Refused),
            role: Set(String::new()),
            state: Set(import_row::State::Skipped),
            reason: Set(Some(format!("{}{}", view.outcome.label(), view.reason.map(|r| format!(": {r}")).unwrap_or_default()))),
            ..base
        },
    }
}

/// The file (field `file`) and the previewed digest (field `digest`, if any) of a multipart
/// upload, read a piece at a time so a file over 5 MB is refused without being held.
pub async fn read_upload(data: leptos::server_fn::codec::MultipartData) -> Result<(Upload, String), AppError> {
    let mut form = data.into_inner().ok_or_else(|| AppError::internal("a multipart upload arrived without its body"))?;
    let unreadable = |e: &dyn std::fmt::Display| AppError::Invalid(format!("The upload could not be read ({e}). Try again."));
    let (mut upload, mut digest) = (None, String::new());
    while let Some(mut field) = form.next_field().await.map_err(|e| unreadable(&e))? {
        match field.name() {
            Some("file") => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
                    if bytes.len() + chunk.len() > MAX_BYTES {
                        return Err(AppError::Invalid("The file is larger than 5 MB: split it into smaller files.".into()));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                upload = Some(Upload { file_name, bytes });
            }
            Some("digest") => digest = field.text().await.map_err(|e| unreadable(&e))?.chars().take(64).collect(),
            _ => {}
        }
    }
    let upload = upload.filter(|u| !u.file_name.is_empty() || !u.bytes.is_empty());
    Ok((upload.ok_or_else(|| AppError::field("file", "Choose a CSV or XLSX file."))?, digest))
}
