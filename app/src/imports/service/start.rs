//! The preview of an uploaded file, and starting its import: the same reading and checks, so
//! what starts is what was previewed (the file's digest must match too).

use super::check::{Checked, check_rows};
use super::files::preview_csv;
use crate::ssr::models::import_row::stored_reason;
use super::sheet::{self, MAX_BYTES};
use crate::audit::dto::AuditEventType;
use crate::domain::person_name::is_invisible_format;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject, record};
use crate::error::AppError;
use crate::imports::dto::{ImportPreview, RowOutcome};
use crate::invitations::service::remaining_this_hour;
use crate::policy::Scope;
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
    /// The name to show: the last part of what the browser sent, without the characters no
    /// name may hold (control characters, and the invisible and text-direction characters that
    /// could make the Imports list or the Audit log read other than what is stored), spaces
    /// made single, at most 200 characters.
    pub fn shown_name(&self) -> String {
        let base = self.file_name.rsplit(['/', '\\']).next().unwrap_or_default();
        let visible: String = base.chars().filter(|c| !c.is_control() && !is_invisible_format(*c)).collect();
        let clean: String = visible.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect();
        if clean.is_empty() { "upload".to_owned() } else { clean.trim_end().to_owned() }
    }

    /// The SHA-256 of the file, in hex.
    pub fn digest(&self) -> String {
        Sha256::digest(&self.bytes).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Files read at once by this process: reading is CPU work, so it runs on the blocking pool,
/// at most half the cores' worth at a time, and pages keep the rest however many files arrive.
fn readers() -> &'static tokio::sync::Semaphore {
    static READERS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    READERS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new((cores / 2).max(1))
    })
}

/// `upload` read into a sheet, off the async workers and behind [`readers`].
async fn read_sheet(upload: &Upload) -> Result<sheet::Sheet, AppError> {
    let _turn = readers().acquire().await.map_err(|_| AppError::internal("the file readers were closed"))?;
    let bytes = upload.bytes.clone();
    let read = tokio::task::spawn_blocking(move || sheet::read(&bytes)).await;
    let sheet = read.map_err(|e| AppError::internal(format!("reading an uploaded file failed: {e}")))?;
    sheet.map_err(|problem| AppError::Invalid(problem.0))
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
    let sheet = read_sheet(upload).await?;
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
        details: AuditDetails { file_name: Some(file_name.to_owned()), rows: AuditDetails::count(rows.len()), ..Default::default() },
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
            kind: Set(plan.identity.kind().into()),
            email: Set(plan.identity.email().map(|e| e.as_str().to_owned())),
            first_name: Set(plan.first_name),
            last_name: Set(plan.last_name),
            employee_number: Set(plan.identity.employee_number().map(|n| n.as_str().to_owned())),
            role: Set(Some(plan.role)),
            department_id: Set(plan.department_id),
            location_id: Set(plan.location_id),
            state: Set(import_row::State::Queued),
            reason: Set(None),
            ..base
        },
        None => import_row::ActiveModel {
            kind: Set(import_row::Kind::Refused),
            role: Set(None),
            state: Set(import_row::State::Skipped),
            reason: Set(Some(stored_reason(&format!(
                "{}{}",
                view.outcome.label(),
                view.reason.map(|r| format!(": {r}")).unwrap_or_default()
            )))),
            ..base
        },
    }
}

/// The most a small field (the digest, 64 hex characters) may hold.
const MAX_FIELD_BYTES: usize = 128;

/// The file (field `file`) and the previewed digest (field `digest`, if any) of a multipart
/// upload, read a piece at a time so nothing over its limit is held: the file up to 5 MB, the
/// digest up to [`MAX_FIELD_BYTES`]. A field named twice, or any other field, refuses the
/// upload: nothing the form does not send is read to its end.
pub async fn read_upload(data: leptos::server_fn::codec::MultipartData) -> Result<(Upload, String), AppError> {
    let mut form = data.into_inner().ok_or_else(|| AppError::internal("a multipart upload arrived without its body"))?;
    let unreadable = |e: &dyn std::fmt::Display| AppError::Invalid(format!("The upload could not be read ({e}). Try again."));
    let (mut upload, mut digest) = (None, None);
    while let Some(mut field) = form.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let limit = match name.as_str() {
            "file" if upload.is_none() => MAX_BYTES,
            "digest" if digest.is_none() => MAX_FIELD_BYTES,
            "file" | "digest" => return Err(AppError::Invalid(format!("The upload has the field `{name}` twice."))),
            _ => return Err(AppError::Invalid("The upload has a field the import form does not send.".into())),
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::Invalid(match name.as_str() {
                    "file" => "The file is larger than 5 MB: split it into smaller files.".into(),
                    _ => format!("The upload's `{name}` field is too long."),
                }));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            upload = Some(Upload { file_name: field.file_name().unwrap_or_default().to_owned(), bytes });
        } else {
            digest = Some(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let upload = upload.filter(|u| !u.file_name.is_empty() || !u.bytes.is_empty());
    Ok((upload.ok_or_else(|| AppError::field("file", "Choose a CSV or XLSX file."))?, digest.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::Upload;

    fn shown(name: &str) -> String {
        Upload { file_name: name.to_owned(), bytes: Vec::new() }.shown_name()
    }

    #[test]
    fn a_file_name_is_shown_without_its_folders_or_any_character_a_name_may_not_hold() {
        assert_eq!(shown("C:\\HR\\staff.csv"), "staff.csv");
        assert_eq!(shown("/tmp/new\tstaff\n.csv"), "newstaff.csv");
        assert_eq!(shown("invoice\u{202E}vsc.exe"), "invoicevsc.exe");
        assert_eq!(shown("st\u{200B}aff\u{2066}  list\u{2069}.csv"), "staff list.csv");
        assert_eq!(shown("\u{FEFF}\u{200F}"), "upload");
        assert_eq!(shown(&"é".repeat(300)).chars().count(), 200);
    }
}
