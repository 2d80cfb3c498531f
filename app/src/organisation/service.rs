//! Departments and locations share one shape, so one set of queries serves both tables.

use super::dto::{Unit, UnitKind};
use crate::audit::dto::AuditEventType;
use crate::audit::service::{AuditDetails, NewAuditEvent, Subject, record};
use crate::domain::unit_name::UnitName;
use crate::error::AppError;
use crate::policy::require_unit_manager;
use crate::ssr::models::invitation::open_sql;
use crate::ssr::raw::statement;
use crate::ssr::{Actor, begin_write};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, UnionType};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, FromQueryResult, SqlErr};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(FromQueryResult)]
struct UnitRow {
    id: i32,
    name: String,
    archived_at: Option<DateTime<Utc>>,
}

/// Units of `kind` matching `condition`, by name.
async fn select_units(db: &impl ConnectionTrait, kind: UnitKind, condition: Option<Expr>) -> Result<Vec<Unit>, DbErr> {
    let mut query = Query::select();
    query
        .columns(["id", "name", "archived_at"])
        .from(kind.table())
        .order_by("name_key", Order::Asc);
    if let Some(condition) = condition {
        query.and_where(condition);
    }
    let rows = UnitRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| Unit { id: r.id, name: r.name, archived: r.archived_at.is_some() })
        .collect())
}

/// Units by name; archived ones only when asked for.
pub async fn list_units(db: &impl ConnectionTrait, kind: UnitKind, include_archived: bool) -> Result<Vec<Unit>, DbErr> {
    let condition = (!include_archived).then(|| Expr::col("archived_at").is_null());
    select_units(db, kind, condition).await
}

/// Names of every unit of a kind (archived ones too: people may still belong to them).
pub async fn unit_names(db: &impl ConnectionTrait, kind: UnitKind) -> Result<HashMap<i32, String>, DbErr> {
    Ok(list_units(db, kind, true).await?.into_iter().map(|u| (u.id, u.name)).collect())
}

/// Every department and every location, archived ones too, each kind by name.
pub struct Units {
    pub departments: Vec<Unit>,
    pub locations: Vec<Unit>,
}

impl Units {
    /// The units of `kind`, archived ones only when asked for.
    pub fn of(&self, kind: UnitKind, include_archived: bool) -> Vec<Unit> {
        self.all(kind).iter().filter(|u| include_archived || !u.archived).cloned().collect()
    }

    /// The unit of `kind` with this id, archived or not.
    pub fn find(&self, kind: UnitKind, id: i32) -> Option<&Unit> {
        self.all(kind).iter().find(|u| u.id == id)
    }

    fn all(&self, kind: UnitKind) -> &[Unit] {
        match kind {
            UnitKind::Department => &self.departments,
            UnitKind::Location => &self.locations,
        }
    }

    /// The names of the units of `kind` by id.
    pub fn names(&self, kind: UnitKind) -> HashMap<i32, String> {
        self.of(kind, true).into_iter().map(|u| (u.id, u.name)).collect()
    }
}

#[derive(FromQueryResult)]
struct KindedUnitRow {
    kind: i32,
    id: i32,
    name: String,
    archived_at: Option<DateTime<Utc>>,
}

/// Where a request keeps the units it has read ([`units_of_request`]). The server's request
/// layer puts an empty one on every request; what a request reads lives and dies with it.
#[derive(Clone, Default)]
pub struct RequestUnits(Arc<tokio::sync::OnceCell<Arc<Units>>>);

/// Every unit, read once per request: the Users page renders its rows, its filters and the
/// Invite dialog in one request, and each of them names departments and locations. Outside a
/// request (a service called directly) they are read each time.
///
/// Only pages and their data read units this way; changing a unit reads and writes through
/// [`select_units`], never through this copy.
pub async fn units_of_request(db: &impl ConnectionTrait) -> Result<Arc<Units>, DbErr> {
    let Ok(RequestUnits(cell)) = crate::ssr::request_extension::<RequestUnits>() else {
        return Ok(Arc::new(all_units(db).await?));
    };
    cell.get_or_try_init(|| async { all_units(db).await.map(Arc::new) }).await.cloned()
}

/// Both kinds of unit in one query: a page that shows both (a list naming each row's
/// department and location, the Invite dialog, the Users filters) asks the database once
/// instead of once a kind, and on SQLite each query is a round trip to the connection's
/// thread (bench/README.md, "Users at 100k people").
async fn all_units(db: &impl ConnectionTrait) -> Result<Units, DbErr> {
    let part = |kind: UnitKind, tag: &'static str| {
        Query::select().expr_as(Expr::cust(tag), "kind").columns(["id", "name", "archived_at", "name_key"]).from(kind.table()).to_owned()
    };
    let mut query = part(UnitKind::Department, "0");
    query.union(UnionType::All, part(UnitKind::Location, "1")).order_by("kind", Order::Asc).order_by("name_key", Order::Asc);
    let rows = KindedUnitRow::find_by_statement(db.get_database_backend().build(&query)).all(db).await?;
    let mut units = Units { departments: Vec::new(), locations: Vec::new() };
    for row in rows {
        let unit = Unit { id: row.id, name: row.name, archived: row.archived_at.is_some() };
        if row.kind == 0 { units.departments.push(unit) } else { units.locations.push(unit) }
    }
    Ok(units)
}

/// The unit with this id, archived or not.
pub async fn find_unit(db: &impl ConnectionTrait, kind: UnitKind, id: i32) -> Result<Option<Unit>, DbErr> {
    Ok(select_units(db, kind, Some(Expr::col("id").eq(id))).await?.pop())
}

fn duplicate(kind: UnitKind) -> AppError {
    AppError::field("name", format!("A {} with this name already exists.", kind.singular()))
}

fn map_unique(kind: UnitKind, err: DbErr) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => duplicate(kind),
        _ => err.into(),
    }
}

/// The audit event for a change to a unit of `kind`, by `actor` (none for the server's CLI).
/// A department's events belong to that department, so its admins see them; a location's to
/// the whole organisation.
fn unit_event(event_type: AuditEventType, actor: Option<i32>, kind: UnitKind, id: i32, details: AuditDetails) -> NewAuditEvent {
    let subject = match kind {
        UnitKind::Department => Subject::Department(id),
        UnitKind::Location => Subject::Location(id),
    };
    let department_id = (kind == UnitKind::Department).then_some(id);
    NewAuditEvent { event_type, actor_user_id: actor, subject, department_id, details }
}

/// Adds a unit, recorded as done by the operator (the server's CLI). Names are unique per
/// kind, ignoring case and spacing.
pub async fn add_unit(db: &impl ConnectionTrait, kind: UnitKind, name: &str, now: DateTime<Utc>) -> Result<Unit, AppError> {
    insert_unit(db, None, kind, name, now).await
}

/// Adds a unit and records who did, inside `db` (a transaction, for the two to go together).
async fn insert_unit(db: &impl ConnectionTrait, actor: Option<i32>, kind: UnitKind, name: &str, now: DateTime<Utc>) -> Result<Unit, AppError> {
    let name = UnitName::parse(name).map_err(|msg| AppError::field("name", msg))?;
    let insert = Query::insert()
        .into_table(kind.table())
        .columns(["name", "name_key", "created_at"])
        .values_panic([name.as_str().into(), name.key().into(), now.into()])
        .to_owned();
    db.execute(&insert).await.map_err(|e| map_unique(kind, e))?;
    let unit = select_units(db, kind, Some(Expr::col("name_key").eq(name.key())))
        .await?
        .pop()
        .ok_or_else(|| AppError::internal(format!("the {} just added cannot be read back", kind.singular())))?;
    let details = AuditDetails { name: Some(unit.name.clone()), ..Default::default() };
    record(db, unit_event(AuditEventType::UnitAdded, actor, kind, unit.id, details), now).await?;
    Ok(unit)
}

/// Adds a unit on behalf of an admin (only the Corporate Admin may), with its audit event.
pub async fn add_unit_as(db: &DatabaseConnection, actor: &Actor, kind: UnitKind, name: &str, now: DateTime<Utc>) -> Result<Unit, AppError> {
    require_unit_manager(actor.role)?;
    let txn = begin_write(db).await?;
    let unit = insert_unit(&txn, Some(actor.user_id), kind, name, now).await?;
    txn.commit().await?;
    Ok(unit)
}

/// Renames a unit (Corporate Admin only), with its audit event.
pub async fn rename_unit(db: &DatabaseConnection, actor: &Actor, kind: UnitKind, id: i32, name: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    require_unit_manager(actor.role)?;
    let name = UnitName::parse(name).map_err(|msg| AppError::field("name", msg))?;
    let txn = begin_write(db).await?;
    let Some(before) = find_unit(&txn, kind, id).await? else {
        return Err(AppError::NotFound(format!("That {}", kind.singular())));
    };
    if before.name == name.as_str() {
        return Ok(());
    }
    let update = Query::update()
        .table(kind.table())
        .values([("name", name.as_str().into()), ("name_key", name.key().into())])
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    txn.execute(&update).await.map_err(|e| map_unique(kind, e))?;
    let details = AuditDetails {
        name: Some(name.as_str().to_owned()),
        from: Some(before.name.clone()),
        to: Some(name.as_str().to_owned()),
        ..Default::default()
    };
    record(&txn, unit_event(AuditEventType::UnitRenamed, Some(actor.user_id), kind, id, details), now).await?;
    txn.commit().await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

/// Archives or restores a unit (Corporate Admin only), with its audit event. Archived units are
/// no longer offered for new invitations, and the invitations into them that are still
/// pending stop working (the event says how many); people already in them keep them.
pub async fn set_archived(db: &DatabaseConnection, actor: &Actor, kind: UnitKind, id: i32, archived: bool, now: DateTime<Utc>) -> Result<(), AppError> {
    require_unit_manager(actor.role)?;
    let txn = begin_write(db).await?;
    let Some(before) = find_unit(&txn, kind, id).await? else {
        return Err(AppError::NotFound(format!("That {}", kind.singular())));
    };
    if before.archived == archived {
        return Ok(());
    }
    let value: Option<DateTime<Utc>> = archived.then_some(now);
    let update = Query::update().table(kind.table()).values([("archived_at", value.into())]).and_where(Expr::col("id").eq(id)).to_owned();
    txn.execute(&update).await?;
    let (event_type, details) = if archived {
        let column = match kind {
            UnitKind::Department => "department_id",
            UnitKind::Location => "location_id",
        };
        let sql = format!("SELECT COUNT(*) AS n FROM invitations WHERE {} AND {column} = $2", open_sql("", "$1"));
        let pending = Count::find_by_statement(statement(&txn, &sql, vec![now.into(), id.into()])).one(&txn).await?.map_or(0, |c| c.n);
        (AuditEventType::UnitArchived, AuditDetails { name: Some(before.name), invitations_stopped: Some(pending), ..Default::default() })
    } else {
        (AuditEventType::UnitRestored, AuditDetails { name: Some(before.name), ..Default::default() })
    };
    record(&txn, unit_event(event_type, Some(actor.user_id), kind, id, details), now).await?;
    txn.commit().await?;
    Ok(())
}
