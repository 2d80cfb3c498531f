//! The invitation lifecycle. An invitation is created pending with a secret (an emailed
//! token or a shop-floor setup code, stored as its SHA-256) and an expiry; from pending it is
//! accepted once (claimed by id and secret), revoked, renewed with a new secret and expiry, or
//! runs out. Everything that asks "is it still open?" or moves it on asks here.

use crate::domain::{Identity, IdentityKind};
use crate::ssr::entities::invitation::{ActiveModel, Column, Entity, Model, Status};
use crate::ssr::raw::statement;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter};

/// "Pending" as SQL, written out as it stands in the partial unique indexes on
/// `email_canonical` and `employee_number_canonical`. Bound as a value, it would hide those
/// indexes from the planner: SQLite re-plans the statement on every run to check, and
/// PostgreSQL's generic plans never use them.
pub const IS_PENDING: &str = "status = 'pending'";

/// "Open at `$now`" in hand-written SQL: pending, and not run out. `alias` is the table's
/// alias with its dot ("i.") or "".
pub fn open_sql(alias: &str, now_param: &str) -> String {
    format!("{alias}status = 'pending' AND {alias}expires_at > {now_param}")
}

/// "Open at `now`" for sea-orm queries.
pub fn open_condition(now: DateTime<Utc>) -> Condition {
    Condition::all().add(Expr::cust(IS_PENDING)).add(Column::ExpiresAt.gt(now))
}

/// The statuses an invitation may be renewed (Resend, a new handout) or revoked from: not
/// accepted or revoked yet, whether or not it has run out.
pub const RENEWABLE: [Status; 2] = [Status::Pending, Status::Expired];

/// [`RENEWABLE`] in hand-written SQL; `alias` as for [`open_sql`].
pub fn renewable_sql(alias: &str) -> String {
    format!("{alias}status IN ('pending', 'expired')")
}

/// The status of a stored invitation at `now`: a pending one past its expiry is Expired, and so
/// is one marked expired before its time (a setup code killed by wrong guesses).
pub fn status_at(invitation: &Model, now: DateTime<Utc>) -> Status {
    match invitation.status {
        Status::Pending if invitation.expires_at <= now => Status::Expired,
        stored => stored,
    }
}

/// Who a stored invitation is for. Onboard never writes a row whose columns miss its kind: one
/// that does is reported as a database error, not guessed at.
pub fn identity(invitation: &Model) -> Result<Identity, DbErr> {
    let email = (invitation.email.as_deref(), invitation.email_canonical.as_deref());
    let number = (invitation.employee_number.as_deref(), invitation.employee_number_canonical.as_deref());
    Identity::stored(invitation.kind, email, number)
        .ok_or_else(|| DbErr::Custom(format!("invitation {} has no {:?} identity", invitation.id, invitation.kind)))
}

/// The rows [`status_at`] shows as `status`, for Expired only after [`expire_due`] at `now`:
/// "marked expired, or pending and run out" cannot be read along any one index, and walked
/// the pending invitations still open to find none (bench/history/lists.md, "2026-12-06: the Expired filter").
pub fn shown_as(status: Status, now: DateTime<Utc>) -> Condition {
    match status {
        Status::Pending => Condition::all().add(Column::Status.eq(Status::Pending)).add(Column::ExpiresAt.gt(now)),
        // Exact once [`expire_due`] has run at `now`, as the Invitations tab does first.
        other => Condition::all().add(Column::Status.eq(other)),
    }
}

/// A new pending invitation: `row` holds what it is for (kind, email or number, names, role,
/// units, inviter); this adds the secret, the times and the status.
pub fn pending(row: ActiveModel, secret_hash: String, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> ActiveModel {
    ActiveModel {
        token_hash: Set(secret_hash),
        status: Set(Status::Pending),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..row
    }
}

/// Marks these pending invitations, found to have run out, as expired, so they no longer hold
/// their address or number.
pub async fn mark_expired(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let update = Query::update()
        .table(Entity)
        .value(Column::Status, Status::Expired)
        .and_where(Expr::col(Column::Id).is_in(ids))
        .and_where(Expr::cust(IS_PENDING))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// How many run-out invitations one statement of [`expire_due`] marks: a bounded write, so a
/// first sweep over years of lapsed invitations never holds SQLite's one writer for long.
const EXPIRE_BATCH: u64 = 500;

/// Marks every pending invitation that has run out by `now` as expired, a batch per statement;
/// answers how many it marked. Finds them through the partial index on pending invitations by
/// expiry (migration 000015). With none due, as almost always, it is one read of that index:
/// no write, so on SQLite it never queues behind the one writer. Each row is checked again as
/// it is updated: one renewed or accepted meanwhile is left as it now is.
pub async fn expire_due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    // Read in expiry order, so that the only plan without a sort is a walk of the partial
    // index from its start. Without the order, PostgreSQL's generic plan for the prepared
    // statement was a scan of the whole table that hoped to meet a due row early; with none
    // due it read every row (bench/history/lists.md, "2026-12-06, later: the Expired filter on
    // PostgreSQL"). SQLite without statistics (a
    // new file, or one housekeeping has not analysed yet) would rather read every pending row
    // by status and sort them, so it is told the index.
    let pending_by_expiry = match db.get_database_backend() {
        DbBackend::Sqlite => "invitations INDEXED BY idx_invitations_pending_expiry",
        _ => "invitations",
    };
    let due_now = format!("{IS_PENDING} AND expires_at <= $1");
    let due = format!("FROM {pending_by_expiry} WHERE {due_now} ORDER BY expires_at, id");
    let any = format!("SELECT id {due} LIMIT 1");
    if db.query_one_raw(statement(db, &any, vec![now.into()])).await?.is_none() {
        return Ok(0);
    }
    let sql = format!("UPDATE invitations SET status = 'expired' WHERE {due_now} AND id IN (SELECT id {due} LIMIT {EXPIRE_BATCH})");
    let mut marked = 0;
    loop {
        let done = db.execute_raw(statement(db, &sql, vec![now.into()])).await?.rows_affected();
        marked += done;
        if done < EXPIRE_BATCH {
            return Ok(marked);
        }
    }
}

/// Gives invitation `id` a new secret and expiry, pending again, if it is still pending or
/// expired; answers whether it did. The old secret stops working at once, and the count of
/// wrong setup codes starts again. Conditional, so a Revoke or an acceptance that commits
/// first (PostgreSQL re-checks the condition once their lock is released) is never
/// overwritten. A unique-index clash (another pending invitation for the same address or
/// number) comes back as the database's error.
pub async fn renew(
    db: &impl ConnectionTrait,
    id: i32,
    secret_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let renewed = Entity::update_many()
        .col_expr(Column::TokenHash, Expr::value(secret_hash))
        .col_expr(Column::Status, Expr::value(Status::Pending))
        .col_expr(Column::FailedAttempts, Expr::value(0))
        .col_expr(Column::CreatedAt, Expr::value(now))
        .col_expr(Column::ExpiresAt, Expr::value(expires_at))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(RENEWABLE))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

/// Gives open invitation `id` a new secret in place of the one hashing to `expected`, keeping
/// its expiry; answers whether it did. Conditional on that secret, so a Resend, an acceptance or
/// a revoke that came first is never undone.
pub async fn rotate_secret(db: &impl ConnectionTrait, id: i32, expected: &str, secret_hash: String, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let rotated = Entity::update_many()
        .col_expr(Column::TokenHash, Expr::value(secret_hash))
        .filter(Column::Id.eq(id))
        .filter(Column::TokenHash.eq(expected))
        .filter(open_condition(now))
        .exec(db)
        .await?;
    Ok(rotated.rows_affected == 1)
}

/// Revokes invitation `id` if it is still pending or expired; answers whether it did. An
/// acceptance that commits first wins.
pub async fn revoke(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let revoked = Entity::update_many()
        .col_expr(Column::Status, Expr::value(Status::Revoked))
        .col_expr(Column::RevokedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(RENEWABLE))
        .exec(db)
        .await?;
    Ok(revoked.rows_affected == 1)
}

/// Consumes invitation `id` with the secret whose hash is `secret_hash`, if at `now` it is
/// still open and its department and location still exist and are not archived. Two
/// simultaneous submits cannot both see a row here: the database lets one update it and the
/// other finds it no longer pending; a renewed invitation no longer matches the old secret.
pub async fn claim(db: &impl ConnectionTrait, id: i32, secret_hash: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let sql = format!(
        "UPDATE invitations SET status = $1, accepted_at = $2 \
         WHERE id = $3 AND token_hash = $4 AND {} \
         AND (department_id IS NULL OR EXISTS (SELECT 1 FROM departments d \
              WHERE d.id = invitations.department_id AND d.archived_at IS NULL)) \
         AND (location_id IS NULL OR EXISTS (SELECT 1 FROM locations l \
              WHERE l.id = invitations.location_id AND l.archived_at IS NULL))",
        open_sql("", "$2")
    );
    let values = vec![Status::Accepted.into(), now.into(), id.into(), secret_hash.into()];
    let done = db.execute_raw(statement(db, &sql, values)).await?;
    Ok(done.rows_affected() == 1)
}

/// Records the account an accepted invitation made.
pub async fn link_account(db: &impl ConnectionTrait, id: i32, user_id: i32) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::AcceptedUserId, Expr::value(user_id))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// An open invitation with the names it refers to, read in one query.
#[derive(FromQueryResult)]
pub struct OpenInvitation {
    pub id: i32,
    pub token_hash: String,
    pub email: Option<String>,
    pub email_canonical: Option<String>,
    pub employee_number: Option<String>,
    pub employee_number_canonical: Option<String>,
    pub role: crate::domain::Role,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
    pub expires_at: DateTime<Utc>,
    pub department_name: Option<String>,
    department_archived_at: Option<DateTime<Utc>>,
    pub location_name: Option<String>,
    location_archived_at: Option<DateTime<Utc>>,
    pub inviter_name: Option<String>,
}

/// A unit an invitation names must still exist and not be archived; none named is fine.
fn unit_ok(id: Option<i32>, name: &Option<String>, archived_at: &Option<DateTime<Utc>>) -> bool {
    id.is_none() || (name.is_some() && archived_at.is_none())
}

/// The invitation the secret with hash `secret_hash` opens, if at `now` it is open and its
/// department and location still exist and are not archived.
pub async fn open_by_secret(db: &impl ConnectionTrait, secret_hash: &str, now: DateTime<Utc>) -> Result<Option<OpenInvitation>, DbErr> {
    let sql = format!(
        "SELECT i.id, i.token_hash, i.email, i.email_canonical, i.employee_number, i.employee_number_canonical, \
            i.role, i.department_id, i.location_id, i.expires_at, \
            d.name AS department_name, d.archived_at AS department_archived_at, \
            l.name AS location_name, l.archived_at AS location_archived_at, u.name AS inviter_name \
         FROM invitations i \
         LEFT JOIN departments d ON d.id = i.department_id \
         LEFT JOIN locations l ON l.id = i.location_id \
         LEFT JOIN users u ON u.id = i.invited_by \
         WHERE i.token_hash = $1 AND {}",
        open_sql("i.", "$2")
    );
    let found = OpenInvitation::find_by_statement(statement(db, &sql, vec![secret_hash.into(), now.into()])).one(db).await?;
    Ok(found
        .filter(|i| unit_ok(i.department_id, &i.department_name, &i.department_archived_at))
        .filter(|i| unit_ok(i.location_id, &i.location_name, &i.location_archived_at)))
}

/// The open shop-floor invitation for an employee number (canonical form), if any.
pub async fn open_for_number(db: &impl ConnectionTrait, canonical: &str, now: DateTime<Utc>) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::Kind.eq(IdentityKind::EmployeeNumber))
        .filter(Column::EmployeeNumberCanonical.eq(canonical))
        .filter(open_condition(now))
        .one(db)
        .await
}

/// Takes one of open invitation `id`'s wrong-code places for a guess about to be compared, if
/// it has one left; answers whether it did. Its code dies (the invitation is marked expired)
/// when the last place is taken. Taking the place first, in one conditional update, means
/// simultaneous guesses cannot all be compared against a code with places left: at most `max`
/// guesses are ever compared.
pub async fn take_wrong_code_place(db: &impl ConnectionTrait, id: i32, max: i32) -> Result<bool, DbErr> {
    let sql = format!(
        "UPDATE invitations SET failed_attempts = failed_attempts + 1, \
            status = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE status END \
         WHERE id = $3 AND {IS_PENDING} AND failed_attempts < $1"
    );
    let values = vec![max.into(), Status::Expired.into(), id.into()];
    Ok(db.execute_raw(statement(db, &sql, values)).await?.rows_affected() == 1)
}

/// Gives back the place [`take_wrong_code_place`] took for a guess that was right (and opens
/// the code again if that place was its last).
pub async fn give_back_wrong_code_place(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    let sql = "UPDATE invitations SET failed_attempts = failed_attempts - 1, status = $1 \
               WHERE id = $2 AND status IN ($1, $3) AND failed_attempts > 0";
    let values = vec![Status::Pending.into(), id.into(), Status::Expired.into()];
    db.execute_raw(statement(db, sql, values)).await?;
    Ok(())
}
