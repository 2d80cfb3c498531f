//! One page of a sea-orm query, read by keyset.
//!
//! A page is the `PAGE_SIZE` rows just after (or before) a given row in the list's order,
//! found by that row's sort key, so with an index ending in the list's order (migration
//! 000010) the database walks straight to it: the first page and the thousandth cost the
//! same, and nothing is sorted or skipped. The count stops at `COUNT_CAP`.

use crate::dto::{COUNT_CAP, PAGE_SIZE, Page, PageAt};
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, FromQueryResult, ModelTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Select, Value,
};

/// A list's order: by `key`, then by `id` to break ties, newest or largest first when
/// `descending`.
pub struct ListOrder<E: EntityTrait> {
    pub key: E::Column,
    pub id: E::Column,
    pub descending: bool,
}

impl<E: EntityTrait> ListOrder<E> {
    /// `query` in this order, or in the reverse one.
    fn sort(&self, query: Select<E>, reverse: bool) -> Select<E> {
        let order = if self.descending != reverse { Order::Desc } else { Order::Asc };
        query.order_by(self.key, order.clone()).order_by(self.id, order)
    }

    /// The rows beyond the row (`key`, `id`) in this order, or before it when `reverse`. The
    /// first term repeats what the second implies so that both databases start the index
    /// walk at the row instead of filtering from the list's start.
    fn beyond(&self, key: Value, id: i32, reverse: bool) -> Condition {
        let (from, strictly) = if self.descending != reverse {
            (self.key.lte(key.clone()), Condition::any().add(self.key.lt(key.clone())).add(self.key.eq(key).and(self.id.lt(id))))
        } else {
            (self.key.gte(key.clone()), Condition::any().add(self.key.gt(key.clone())).add(self.key.eq(key).and(self.id.gt(id))))
        };
        Condition::all().add(from).add(strictly)
    }
}

/// The page of `query` (filtered already, not yet ordered) at `at` in `order`. A row that is
/// not in `query` (gone, filtered out, or outside the reader's scope) gives the first page.
pub async fn fetch_page<E>(db: &impl ConnectionTrait, query: Select<E>, order: ListOrder<E>, at: PageAt) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + ModelTrait<Entity = E> + Sized + Send + Sync,
{
    let boundary = match at {
        PageAt::First => None,
        PageAt::After(id) | PageAt::Before(id) => {
            let row = query.clone().filter(order.id.eq(id)).one(db).await?;
            row.map(|row| (row.get(order.key), id, matches!(at, PageAt::Before(_))))
        }
    };
    let first_page = |query: Select<E>| order.sort(query, false).limit(PAGE_SIZE + 1);
    let (mut rows, mut from) = match boundary {
        Some((key, id, before)) => {
            let beyond = order.sort(query.clone().filter(order.beyond(key, id, before)), before);
            (beyond.limit(PAGE_SIZE + 1).all(db).await?, Some(before))
        }
        None => (first_page(query.clone()).all(db).await?, None),
    };
    // Nothing beyond that row any more (the rows after it went): show the first page.
    if from.is_some() && rows.is_empty() {
        rows = first_page(query.clone()).all(db).await?;
        from = None;
    }
    let more = rows.len() as u64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    // Read backwards from a row: put the page back in the list's order.
    if from == Some(true) {
        rows.reverse();
    }
    // Which sides have rows: the boundary row itself lies on the side the page was read from.
    let (has_previous, has_next) = match from {
        None => (false, more),
        Some(false) => (true, more),
        Some(true) => (more, true),
    };
    let id_of = |row: &E::Model| match row.get(order.id) {
        Value::Int(Some(id)) => Some(id),
        _ => None,
    };
    let previous = if has_previous { rows.first().and_then(id_of) } else { None };
    let next = if has_next { rows.last().and_then(id_of) } else { None };
    let total = capped_count(db, query, order.id).await?;
    Ok(Page { items: rows, previous, next, total })
}

/// How many rows `query` has, counting no further than one past [`COUNT_CAP`].
async fn capped_count<E: EntityTrait>(db: &impl ConnectionTrait, query: Select<E>, id: E::Column) -> Result<u64, DbErr> {
    let rows = query.select_only().column(id).limit(COUNT_CAP + 1).into_query();
    let count = Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(rows, Alias::new("capped")).to_owned();
    let found = db.query_one(&count).await?;
    let n: i64 = match found {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}
