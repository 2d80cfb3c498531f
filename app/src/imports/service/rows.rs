//! Settling an import row: the one place a row leaves "queued", always inside the transaction
//! that does what the row asked (or records why not), so a row is never sent twice nor lost.

use crate::ssr::entities::import_row::{Column, Entity, State};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// What became of a row.
#[derive(Clone, Copy, Debug)]
pub enum Settled<'a> {
    /// It became invitation `id`.
    Sent(i32),
    /// It was not sent, for this reason (in the admin's words).
    Failed(&'a str),
}

/// Settles queued row `id` inside `txn`. A row that is no longer queued (another instance
/// settled it, or the import was cancelled) is an error, so the whole transaction, with the
/// invitation it would have written, rolls back.
pub async fn settle(txn: &impl ConnectionTrait, id: i32, settled: Settled<'_>, now: DateTime<Utc>) -> Result<(), DbErr> {
    let update = Entity::update_many().col_expr(Column::DoneAt, Expr::value(now));
    let update = match settled {
        Settled::Sent(invitation) => update
            .col_expr(Column::State, Expr::value(State::Sent))
            .col_expr(Column::InvitationId, Expr::value(invitation)),
        Settled::Failed(reason) => {
            update.col_expr(Column::State, Expr::value(State::Failed)).col_expr(Column::Reason, Expr::value(reason))
        }
    };
    let done = update.filter(Column::Id.eq(id)).filter(Column::State.eq(State::Queued)).exec(txn).await?;
    if done.rows_affected != 1 {
        return Err(DbErr::Custom(format!("import row {id} is no longer waiting to be sent")));
    }
    Ok(())
}
