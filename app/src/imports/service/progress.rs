//! What an import's page and Users → Imports show. An import is seen by the Corporate Admin,
//! and by the admin who started it while they still administer the department it was started
//! in (moved to another department or demoted, they no longer see it); to anyone else it does
//! not exist (404, as for no import).

use crate::dto::{Page, PageAt};
use crate::error::AppError;
use crate::imports::dto::{ImportCounts, ImportProgress, ImportRowView, ImportState, ImportSummary};
use crate::invitations::service::remaining_this_hour;
use crate::policy::Scope;
use crate::ssr::entities::import_row::{Kind, State as RowState};
use crate::ssr::entities::{import, import_row, user};
use crate::ssr::models::import_row::identity_kind;
use crate::ssr::models::user::names;
use crate::ssr::pagination::{Counting, ListOrder, fetch_page};
use crate::ssr::models::invitation::renewable_sql;
use crate::ssr::raw::statement;
use crate::ssr::{Actor, Settings};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};

/// Rows an import's page lists at a time.
pub const ROWS_PER_PAGE: u64 = 100;

/// Import `id` if `actor` may see it; `NotFound` otherwise.
pub async fn find_visible(db: &impl ConnectionTrait, actor: &Actor, id: i32) -> Result<import::Model, AppError> {
    let scope = Scope::of(actor)?;
    let found = import::Entity::find_by_id(id).one(db).await?;
    found
        .filter(|job| scope.sees_import(actor.user_id, job.admin_id, job.department_id))
        .ok_or_else(|| AppError::NotFound("That import".to_owned()))
}

#[derive(FromQueryResult)]
struct StateCount {
    state: String,
    n: i64,
}

/// How many of import `id`'s rows are in each state.
pub async fn count_rows(db: &impl ConnectionTrait, id: i32) -> Result<ImportCounts, DbErr> {
    let sql = "SELECT state, COUNT(*) AS n FROM import_rows WHERE import_id = $1 GROUP BY state";
    let mut counts = ImportCounts::default();
    for row in StateCount::find_by_statement(statement(db, sql, vec![id.into()])).all(db).await? {
        let n = row.n as u32;
        match row.state.as_str() {
            "queued" => counts.waiting = n,
            "sent" => counts.sent = n,
            "failed" => counts.failed = n,
            "cancelled" => counts.cancelled = n,
            _ => counts.skipped = n,
        }
    }
    counts.to_send = counts.waiting + counts.sent + counts.failed + counts.cancelled;
    Ok(counts)
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Shop-floor workers of import `id` who were sent, have not set up yet, and may get a new code
/// (their department and location are not archived: `reissue_codes` leaves those out).
pub async fn handouts_ready(db: &impl ConnectionTrait, id: i32) -> Result<u32, DbErr> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM import_rows r JOIN invitations i ON i.id = r.invitation_id \
         WHERE r.import_id = $1 AND r.kind = 'shop_floor' AND r.state = 'sent' AND {} \
           AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = i.department_id AND d.archived_at IS NOT NULL) \
           AND NOT EXISTS (SELECT 1 FROM locations l WHERE l.id = i.location_id AND l.archived_at IS NOT NULL)",
        renewable_sql("i.")
    );
    let found = Count::find_by_statement(statement(db, &sql, vec![id.into()])).one(db).await?;
    Ok(found.map_or(0, |c| c.n as u32))
}

async fn name_of(db: &impl ConnectionTrait, user_id: i32) -> Result<String, DbErr> {
    Ok(user::Entity::find_by_id(user_id).one(db).await?.map(|u| u.name).unwrap_or_default())
}

/// Import `id`'s state and counts, for its page.
pub async fn progress(
    db: &impl ConnectionTrait,
    actor: &Actor,
    settings: &Settings,
    id: i32,
    now: DateTime<Utc>,
) -> Result<ImportProgress, AppError> {
    let job = find_visible(db, actor, id).await?;
    let counts = count_rows(db, id).await?;
    let state = match job.state {
        import::State::Finished => ImportState::Finished,
        import::State::Cancelled => ImportState::Cancelled,
        import::State::Running if job.next_run_at > now => {
            let free = remaining_this_hour(db, job.admin_id, job.next_run_at, settings.invite_rate_limit).await?;
            ImportState::Waiting { at: job.next_run_at.into(), count: free.min(counts.waiting) }
        }
        import::State::Running => ImportState::Sending,
    };
    Ok(ImportProgress {
        id,
        file_name: job.file_name.clone(),
        started_by: name_of(db, job.admin_id).await?,
        started_at: job.created_at.into(),
        can_cancel: !state.is_over(),
        state,
        counts,
        handouts_ready: handouts_ready(db, id).await?,
    })
}

/// What a row's state reads as on the import's page and in the result file.
pub fn outcome_of(row: &import_row::Model) -> &'static str {
    match (row.state, row.kind) {
        (RowState::Queued, _) => "Waiting",
        (RowState::Sent, Kind::ShopFloor) => "Shop-floor invitation made",
        (RowState::Sent, _) => "Invited by email",
        (RowState::Failed, _) => "Failed",
        (RowState::Cancelled, _) => "Cancelled",
        (RowState::Skipped, _) => "Not imported",
    }
}

/// Up to [`ROWS_PER_PAGE`] rows of import `id` after row number `after`, in file order, and
/// the row number the next page starts after.
pub async fn rows(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i32,
    after: i32,
) -> Result<(Vec<ImportRowView>, Option<i32>), AppError> {
    find_visible(db, actor, id).await?;
    let found = import_row::Entity::find()
        .filter(import_row::Column::ImportId.eq(id))
        .filter(import_row::Column::RowNumber.gt(after))
        .order_by_asc(import_row::Column::RowNumber)
        .limit(ROWS_PER_PAGE + 1)
        .all(db)
        .await?;
    let more = found.len() as u64 > ROWS_PER_PAGE;
    let views: Vec<ImportRowView> = found
        .iter()
        .take(ROWS_PER_PAGE as usize)
        .map(|row| ImportRowView {
            number: row.row_number as u32,
            identifier: row.identifier.clone(),
            known_by: identity_kind(row.kind),
            outcome: outcome_of(row).to_owned(),
            reason: row.reason.clone(),
        })
        .collect();
    let next = more.then(|| views.last().map(|v| v.number as i32)).flatten();
    Ok((views, next))
}

/// Users → Imports: the newest first, those `actor` may see.
pub async fn list_imports(db: &impl ConnectionTrait, actor: &Actor, at: PageAt) -> Result<Page<ImportSummary>, AppError> {
    let scope = Scope::of(actor)?;
    let mut query = import::Entity::find();
    if let Some((starter, department)) = scope.imports_seen_by(actor.user_id) {
        query = query.filter(import::Column::AdminId.eq(starter)).filter(import::Column::DepartmentId.eq(department));
    }
    let order = ListOrder { key: import::Column::Id, id: import::Column::Id, descending: true };
    let page = fetch_page(db, query, order, at, Counting::Apart).await?;
    let names = names(db, page.items.iter().map(|job| job.admin_id).collect()).await?;
    Ok(page.map(|jobs| {
        jobs.into_iter()
            .map(|job| ImportSummary {
                id: job.id,
                file_name: job.file_name,
                started_by: names.get(&job.admin_id).cloned().unwrap_or_default(),
                started_at: job.created_at.into(),
                total_rows: job.total_rows as u32,
                state: match job.state {
                    import::State::Running => "Running",
                    import::State::Finished => "Finished",
                    import::State::Cancelled => "Cancelled",
                }
                .to_owned(),
            })
            .collect()
    }))
}
