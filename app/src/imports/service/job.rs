//! Running an import: whichever server instance claims the job (a lease in the database, one
//! instance at a time) sends its waiting rows in file order, as many as the admin's hourly
//! limit has room for, through the same services as the Invite dialog. When the limit is used
//! up the job waits for the window to free and carries on by itself.
//!
//! A row is settled in the transaction that writes its invitation (`import_row::settle`), so a
//! restart or a second instance never loses or repeats one; the lease only keeps the work
//! from being done twice over.

use tracing::Instrument;
use crate::ssr::models::import_row::{Settled, role_asked, settle};
use crate::ssr::models::user::is_active;
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject, record};
use crate::auth::service::actor_of;
use crate::error::AppError;
use crate::invitations::service::{
    EmailInvite, ShopFloorInvite, invite_shop_floor_from_import, next_free_at, prepare_email_invite, remaining_this_hour,
    write_email_invites,
};
use crate::mail::outbox::OutboxSignal;
use crate::ssr::entities::import::{self, State};
use crate::ssr::entities::{import_row, user};
use crate::ssr::raw::statement;
use crate::ssr::{Actor, Clock, Settings, begin_write};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

/// How long a claimed job stays with its instance without a sign of life.
pub fn lease() -> Duration {
    Duration::seconds(60)
}

/// Rows sent per round: one transaction for the email invitations among them.
const ROUND: u64 = 64;

/// Claims one job that is due and not held by a live lease, for `owner` until `now + lease`.
async fn claim(db: &impl ConnectionTrait, owner: &str, now: DateTime<Utc>) -> Result<Option<import::Model>, DbErr> {
    let lock = match db.get_database_backend() {
        DbBackend::Postgres => "FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let free = "(lease_until IS NULL OR lease_until < $3)";
    let sql = format!(
        "UPDATE imports SET lease_owner = $1, lease_until = $2 \
         WHERE id = (SELECT id FROM imports WHERE state = 'running' AND next_run_at <= $3 AND {free} \
                     ORDER BY next_run_at, id LIMIT 1 {lock}) \
           AND {free} \
         RETURNING *"
    );
    let values = vec![owner.into(), (now + lease()).into(), now.into()];
    import::Model::find_by_statement(statement(db, &sql, values)).one(db).await
}

/// Keeps `owner`'s lease on a running job; false once the job is over or someone else holds it.
async fn keep_lease(db: &impl ConnectionTrait, id: i32, owner: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let kept = import::Entity::update_many()
        .col_expr(import::Column::LeaseUntil, Expr::value(now + lease()))
        .filter(import::Column::Id.eq(id))
        .filter(import::Column::LeaseOwner.eq(owner))
        .filter(import::Column::State.eq(State::Running))
        .exec(db)
        .await?;
    Ok(kept.rows_affected == 1)
}

async fn release(db: &impl ConnectionTrait, id: i32, owner: &str) -> Result<(), DbErr> {
    import::Entity::update_many()
        .col_expr(import::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(import::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(import::Column::Id.eq(id))
        .filter(import::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Claims a due import and takes it as far as it can go now; answers whether there was one.
/// `owner` names this server instance.
pub async fn run_due(
    db: &DatabaseConnection,
    settings: &Settings,
    clock: &dyn Clock,
    outbox: &OutboxSignal,
    owner: &str,
) -> Result<bool, AppError> {
    let Some(job) = claim(db, owner, clock.now()).await? else {
        return Ok(false);
    };
    // Every line the round logs, the invitations it sends included, carries the import's id
    // and the admin it sends for.
    let span = tracing::info_span!("import", import_id = job.id, admin_id = job.admin_id);
    let outcome = advance(db, settings, clock, outbox, owner, &job).instrument(span).await;
    release(db, job.id, owner).await?;
    outcome.map(|()| true)
}

/// What one round did.
enum Round {
    /// Rows were settled; go on.
    Progress,
    /// The hourly limit stopped it.
    Limited,
    /// No rows are waiting.
    Done,
}

async fn advance(
    db: &DatabaseConnection,
    settings: &Settings,
    clock: &dyn Clock,
    outbox: &OutboxSignal,
    owner: &str,
    job: &import::Model,
) -> Result<(), AppError> {
    let limit = settings.invite_rate_limit;
    loop {
        let now = clock.now();
        if !keep_lease(db, job.id, owner, now).await? {
            return Ok(()); // cancelled, or taken over after this instance stalled
        }
        let Some(actor) = inviter(db, job.admin_id).await? else {
            let reason = "Not sent: the admin who started this import can no longer invite people.";
            fail_waiting(db, job.id, reason, now).await?;
            return finish(db, job, now).await;
        };
        let room = remaining_this_hour(db, actor.user_id, now, limit).await?;
        if room == 0 {
            return wait(db, job.id, next_free_at(db, actor.user_id, now, limit).await?).await;
        }
        let rows = import_row::Entity::find()
            .filter(import_row::Column::ImportId.eq(job.id))
            .filter(import_row::Column::State.eq(import_row::State::Queued))
            .order_by_asc(import_row::Column::RowNumber)
            .limit(u64::from(room).min(ROUND))
            .all(db)
            .await?;
        match send_round(db, settings, &actor, now, rows).await? {
            (Round::Done, _) => return finish(db, job, now).await,
            (round, sent) => {
                if sent {
                    outbox.wake();
                }
                if let Round::Limited = round {
                    return wait(db, job.id, next_free_at(db, actor.user_id, now, limit).await?).await;
                }
            }
        }
    }
}

/// The admin who started the import, as they are now: `None` if they are deactivated or no
/// longer an admin.
async fn inviter(db: &impl ConnectionTrait, admin_id: i32) -> Result<Option<Actor>, DbErr> {
    let admin = user::Entity::find_by_id(admin_id).one(db).await?;
    Ok(admin.filter(is_active).as_ref().map(actor_of).filter(|a| a.role.is_admin()))
}

/// A refusal that belongs to the row (a unit archived meanwhile, say), as opposed to a fault
/// that stops the round.
fn row_reason(err: &AppError) -> Option<String> {
    match err {
        AppError::Field { field, message } => Some(format!("{field}: {message}")),
        AppError::Invalid(message) => Some(message.clone()),
        AppError::Forbidden | AppError::NotFound(_) => Some(err.to_string()),
        _ => None,
    }
}

/// Sends `rows`; answers how the round ended and whether anything was sent.
async fn send_round(
    db: &DatabaseConnection,
    settings: &Settings,
    actor: &Actor,
    now: DateTime<Utc>,
    rows: Vec<import_row::Model>,
) -> Result<(Round, bool), AppError> {
    if rows.is_empty() {
        return Ok((Round::Done, false));
    }
    let (mut sent, mut limited) = (false, false);
    let mut refused: Vec<(i32, String)> = Vec::new();
    let mut batch = Vec::new();
    let mut shop_floor = Vec::new();
    for row in rows {
        match row.kind {
            import_row::Kind::Email => {
                let input = EmailInvite {
                    email: row.email.clone().unwrap_or_default(),
                    role: role_asked(&row),
                    department_id: row.department_id.map(Into::into),
                    location_id: row.location_id.map(Into::into),
                };
                match prepare_email_invite(db, actor, settings, now, input).await {
                    Ok(invite) => batch.push(invite.from_import_row(row.id)),
                    Err(err) => refused.push((row.id, row_reason(&err).ok_or(err)?)),
                }
            }
            import_row::Kind::ShopFloor => shop_floor.push(row),
            import_row::Kind::Refused => refused.push((row.id, "Not imported.".to_owned())),
        }
    }
    for answer in write_email_invites(db, settings.invite_rate_limit, batch).await {
        match answer {
            Ok(_) => sent = true,
            Err(AppError::RateLimited { .. }) => limited = true,
            Err(AppError::InvitationUnavailable) => {} // settled with the batch
            Err(err) => return Err(err),
        }
    }
    for row in shop_floor {
        if limited {
            break;
        }
        let input = ShopFloorInvite {
            first_name: row.first_name.clone().unwrap_or_default(),
            last_name: row.last_name.clone().unwrap_or_default(),
            employee_number: row.employee_number.clone().unwrap_or_default(),
            role: role_asked(&row),
            department_id: row.department_id.map(Into::into),
            location_id: row.location_id.map(Into::into),
        };
        match invite_shop_floor_from_import(db, actor, settings, now, input, row.id).await {
            Ok(_) => sent = true,
            Err(AppError::RateLimited { .. }) => limited = true,
            Err(AppError::EmployeeNumberUnavailable) => {} // settled with the attempt
            Err(err) => refused.push((row.id, row_reason(&err).ok_or(err)?)),
        }
    }
    if !refused.is_empty() {
        let txn = begin_write(db).await?;
        for (row, reason) in &refused {
            settle(&txn, *row, Settled::Failed(reason), now).await?;
        }
        txn.commit().await?;
    }
    Ok((if limited { Round::Limited } else { Round::Progress }, sent))
}

/// The job sleeps until `at`, when the hourly limit has room again.
async fn wait(db: &impl ConnectionTrait, id: i32, at: DateTime<Utc>) -> Result<(), AppError> {
    import::Entity::update_many()
        .col_expr(import::Column::NextRunAt, Expr::value(at))
        .filter(import::Column::Id.eq(id))
        .filter(import::Column::State.eq(State::Running))
        .exec(db)
        .await?;
    Ok(())
}

async fn fail_waiting(db: &impl ConnectionTrait, id: i32, reason: &str, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = import_row::Entity::update_many()
        .col_expr(import_row::Column::State, Expr::value(import_row::State::Failed))
        .col_expr(import_row::Column::Reason, Expr::value(reason))
        .col_expr(import_row::Column::DoneAt, Expr::value(now))
        .filter(import_row::Column::ImportId.eq(id))
        .filter(import_row::Column::State.eq(import_row::State::Queued))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Marks the job finished, with an "Import finished" event, unless it is over already.
async fn finish(db: &DatabaseConnection, job: &import::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    if !end(&txn, job.id, State::Finished, now).await? {
        return Ok(());
    }
    let counts = super::progress::count_rows(&txn, job.id).await?;
    let details = AuditDetails {
        file_name: Some(job.file_name.clone()),
        sent: AuditDetails::count(counts.sent),
        failed: AuditDetails::count(counts.failed),
        skipped: AuditDetails::count(counts.skipped),
        ..Default::default()
    };
    record(&txn, import_event(AuditEventType::ImportFinished, job, details), now).await?;
    txn.commit().await?;
    tracing::info!(import_id = job.id, sent = counts.sent, failed = counts.failed, "import finished");
    Ok(())
}

/// Moves a running job to `to`; false if it was not running.
async fn end(db: &impl ConnectionTrait, id: i32, to: State, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let ended = import::Entity::update_many()
        .col_expr(import::Column::State, Expr::value(to))
        .col_expr(import::Column::FinishedAt, Expr::value(now))
        .filter(import::Column::Id.eq(id))
        .filter(import::Column::State.eq(State::Running))
        .exec(db)
        .await?;
    Ok(ended.rows_affected == 1)
}

/// An event about import `job`, by the admin who started it.
pub(super) fn import_event(event_type: AuditEventType, job: &import::Model, details: AuditDetails) -> NewAuditEvent {
    NewAuditEvent {
        event_type,
        actor_user_id: Some(job.admin_id),
        subject: Subject::Import(job.id),
        department_id: job.department_id,
        details,
    }
}

/// Cancels what has not gone yet of import `id`, for `actor` (who may see it): its waiting
/// rows become cancelled, with an "Import cancelled" event. A row being sent at this moment
/// either went before (and counts as sent) or does not go at all.
#[tracing::instrument(name = "cancel", skip_all, fields(import_id = id))]
pub async fn cancel(db: &DatabaseConnection, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    let job = super::progress::find_visible(db, actor, id).await?;
    let txn = begin_write(db).await?;
    if !end(&txn, job.id, State::Cancelled, now).await? {
        return Err(AppError::Invalid("This import is over already: nothing is left to cancel.".into()));
    }
    let cancelled = import_row::Entity::update_many()
        .col_expr(import_row::Column::State, Expr::value(import_row::State::Cancelled))
        .col_expr(import_row::Column::DoneAt, Expr::value(now))
        .filter(import_row::Column::ImportId.eq(job.id))
        .filter(import_row::Column::State.eq(import_row::State::Queued))
        .exec(&txn)
        .await?
        .rows_affected;
    let details = AuditDetails { file_name: Some(job.file_name.clone()), cancelled: AuditDetails::count(cancelled), ..Default::default() };
    let event = NewAuditEvent { actor_user_id: Some(actor.user_id), ..import_event(AuditEventType::ImportCancelled, &job, details) };
    record(&txn, event, now).await?;
    txn.commit().await?;
    Ok(())
}
