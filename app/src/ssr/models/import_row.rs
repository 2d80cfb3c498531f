//! The import row lifecycle: a row is queued, then settled once (sent as an invitation, failed
//! with its reason, or cancelled with its import). Settling is the one place a row leaves
//! "queued", always inside the transaction that does what the row asked (or records why not),
//! so a row is never sent twice nor lost. The invitation writer reports here what became of a
//! row it was given; the import owns what that means.

use crate::domain::IdentityKind;
use crate::ssr::entities::import_row::{Column, Entity, Kind, State};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

impl From<IdentityKind> for Kind {
    /// A row to send is of its person's kind; only a refused row is of none.
    fn from(kind: IdentityKind) -> Kind {
        match kind {
            IdentityKind::Email => Kind::Email,
            IdentityKind::EmployeeNumber => Kind::ShopFloor,
        }
    }
}

/// The kind of person a row is for; `None` for a row the preview refused.
pub fn identity_kind(kind: Kind) -> Option<IdentityKind> {
    match kind {
        Kind::Email => Some(IdentityKind::Email),
        Kind::ShopFloor => Some(IdentityKind::EmployeeNumber),
        Kind::Refused => None,
    }
}

/// The role a row asks for, as the invitation forms name it. A queued row always has one; were it
/// missing, the empty name would be refused like any role that is not on offer.
pub fn role_asked(row: &crate::ssr::entities::import_row::Model) -> String {
    row.role.map(|role| role.as_str().to_owned()).unwrap_or_default()
}

/// What became of a row.
#[derive(Clone, Copy, Debug)]
pub enum Settled<'a> {
    /// It became invitation `id`.
    Sent(i32),
    /// It was not sent, for this reason (in the admin's words).
    Failed(&'a str),
}

/// The most characters a row's stored reason holds (the column's width).
pub const MAX_REASON_CHARS: usize = 400;

/// `reason` as a row stores it: cut to [`MAX_REASON_CHARS`], ending in "…" when cut. A reason
/// may quote what a file said, and PostgreSQL refuses a value wider than its column.
pub fn stored_reason(reason: &str) -> String {
    if reason.chars().count() <= MAX_REASON_CHARS {
        return reason.to_owned();
    }
    let mut cut: String = reason.chars().take(MAX_REASON_CHARS - 1).collect();
    cut.push('…');
    cut
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
            update.col_expr(Column::State, Expr::value(State::Failed)).col_expr(Column::Reason, Expr::value(stored_reason(reason)))
        }
    };
    let done = update.filter(Column::Id.eq(id)).filter(Column::State.eq(State::Queued)).exec(txn).await?;
    if done.rows_affected != 1 {
        return Err(DbErr::Custom(format!("import row {id} is no longer waiting to be sent")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{MAX_REASON_CHARS, stored_reason};

    #[test]
    fn a_reason_is_stored_whole_up_to_the_columns_width_and_cut_with_an_ellipsis_past_it() {
        let fits = "é".repeat(MAX_REASON_CHARS);
        assert_eq!(stored_reason(&fits), fits);
        let cut = stored_reason(&"é".repeat(MAX_REASON_CHARS + 1));
        assert_eq!(cut.chars().count(), MAX_REASON_CHARS);
        assert!(cut.ends_with('…'));
    }
}
