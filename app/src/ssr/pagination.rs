//! One page of a sea-orm query, read by keyset.
//!
//! A page is the `PAGE_SIZE` rows just after (or before) a given row in the list's order,
//! found by that row's sort key, so with an index ending in the list's order (migration
//! 000010) the database walks straight to it: the first page and the thousandth cost the
//! same, and nothing is sorted or skipped. The row's key is read by a subquery of the page's
//! own statement, so a page after a row is one statement, like the first page. The count
//! stops at `COUNT_CAP`; for a search it comes from the same reading as the page
//! ([`Counting::WithPage`]).

use crate::dto::{COUNT_CAP, PAGE_SIZE, Page, PageAt};
use sea_orm::sea_query::{Alias, Asterisk, CommonTableExpression, Expr, Query, SelectStatement, WithClause};
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
        let order = self.direction(reverse);
        query.order_by(self.key, order.clone()).order_by(self.id, order)
    }

    /// Which way this order (or, when `reverse`, the reverse one) runs.
    fn direction(&self, reverse: bool) -> Order {
        if self.descending != reverse { Order::Desc } else { Order::Asc }
    }

    /// The sort key of row `id` of `query`, as a subquery of the page's statement, so that a
    /// page after a row costs one statement, as the first page does. It is NULL when the row is
    /// not in `query` (gone, filtered out, or outside the reader's scope), and then nothing lies
    /// beyond it.
    fn key_of(&self, query: &Select<E>, id: i32) -> Expr {
        let row = query.clone().select_only().column(self.key).filter(self.id.eq(id)).limit(1).into_query();
        Expr::SubQuery(None, Box::new(row.into()))
    }

    /// The rows beyond row `id`, whose sort key is `key`, in this order, or before it when
    /// `reverse`. The first term repeats what the second implies so that both databases start
    /// the index walk at the row instead of filtering from the list's start; both evaluate
    /// `key`, a subquery that does not depend on the row, once, before the walk.
    fn beyond(&self, key: Expr, id: i32, reverse: bool) -> Condition {
        let column = Expr::col(self.key.as_column_ref());
        let (from, strictly) = if self.descending != reverse {
            let strictly = Condition::any().add(column.clone().lt(key.clone())).add(column.clone().eq(key.clone()).and(self.id.lt(id)));
            (column.lte(key), strictly)
        } else {
            let strictly = Condition::any().add(column.clone().gt(key.clone())).add(column.clone().eq(key.clone()).and(self.id.gt(id)));
            (column.gte(key), strictly)
        };
        Condition::all().add(from).add(strictly)
    }
}

/// How a page's count is found.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// By a subquery of its own that stops at the cap: a list read along an index, where the
    /// page stops after 26 rows and the count after 1,001.
    Apart,
    /// In the page's own query, from one reading of the matching rows: for a query whose
    /// matches are found all at once and sorted (a search: every person in a word's range is
    /// read to put them in name order), where a count of its own found them all again
    /// (bench/README.md, "Users at 100k people").
    WithPage,
}

/// The page of `query` (filtered already, not yet ordered) at `at` in `order`. A row that is
/// not in `query` (gone, filtered out, or outside the reader's scope) gives the first page.
pub async fn fetch_page<E>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    order: ListOrder<E>,
    at: PageAt,
    counting: Counting,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + ModelTrait<Entity = E> + Sized + Send + Sync,
{
    let boundary = match at {
        PageAt::First => None,
        PageAt::After(id) => Some((id, false)),
        PageAt::Before(id) => Some((id, true)),
    };
    let (mut rows, mut total) = read_rows(db, &query, &order, boundary, counting).await?;
    let mut from = boundary.map(|(_, before)| before);
    // Nothing beyond that row (it is not in the list, or the rows after it went): show the
    // first page.
    if from.is_some() && rows.is_empty() {
        (rows, total) = read_rows(db, &query, &order, None, counting).await?;
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
    // No row came back only when the first page is empty: the list has no rows at all.
    let total = std::cmp::Ord::min(total.unwrap_or(0), COUNT_CAP + 1);
    // One line per page read, for an operator chasing a slow list (RUST_LOG=app=debug); a
    // page drawn on the server must say it once (server/tests/api/lists.rs).
    tracing::debug!(list = sea_orm::EntityName::table_name(&E::default()), rows = rows.len(), total, "list page read");
    Ok(Page { items: rows, previous, next, total })
}

/// Up to one page and a row of `query` in `order`, beyond `boundary` (a row's id, and whether
/// the page lies before it) when given, and how many rows `query` has (`None` when no
/// row came back to carry it), read in one statement: a second one cost a round trip to the
/// database's thread on SQLite (bench/README.md, "Lists at 100k rows").
async fn read_rows<E>(
    db: &impl ConnectionTrait,
    query: &Select<E>,
    order: &ListOrder<E>,
    boundary: Option<(i32, bool)>,
    counting: Counting,
) -> Result<(Vec<E::Model>, Option<u64>), DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
{
    let reverse = boundary.is_some_and(|(_, before)| before);
    let beyond = boundary.map(|(id, before)| order.beyond(order.key_of(query, id), id, before));
    let page = match counting {
        // The page along the index, with the capped count beside it as a subquery that does
        // not depend on the row, which both databases evaluate once.
        Counting::Apart => {
            let mut page = query.clone();
            if let Some(beyond) = beyond {
                page = page.filter(beyond);
            }
            let mut page = order.sort(page, reverse).limit(PAGE_SIZE + 1).into_query();
            page.expr_as(Expr::SubQuery(None, Box::new(capped_count(query.clone(), order.id).into())), "page_total");
            page
        }
        // The matching rows once, as `matched`, read under the entity's own table name so that
        // the order's and the boundary's columns name them as they name the table; the count
        // is of the same rows (both databases materialise a CTE used twice).
        Counting::WithPage => {
            let table = E::default().table_name().to_owned();
            let matched = CommonTableExpression::new().query(query.clone().into_query()).table_name("matched").to_owned();
            let mut page = Query::select();
            page.column(Asterisk)
                .expr_as(Expr::cust("(SELECT COUNT(*) FROM matched)"), "page_total")
                .from_as("matched", Alias::new(table.clone()))
                .limit(PAGE_SIZE + 1)
                .with_cte(WithClause::new().cte(matched).to_owned());
            if let Some(beyond) = beyond {
                page.cond_where(beyond);
            }
            let direction = order.direction(reverse);
            page.order_by((Alias::new(table.clone()), order.key), direction.clone())
                .order_by((Alias::new(table), order.id), direction);
            page
        }
    };
    let found = db.query_all(&page).await?;
    let total = match found.first() {
        Some(row) => Some(u64::try_from(row.try_get::<i64>("", "page_total")?).unwrap_or(0)),
        None => None,
    };
    let rows = found.iter().map(|row| E::Model::from_query_result(row, "")).collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// A statement counting the rows of `query`, no further than one past [`COUNT_CAP`].
fn capped_count<E: EntityTrait>(query: Select<E>, id: E::Column) -> SelectStatement {
    let rows = query.select_only().column(id).limit(COUNT_CAP + 1).into_query();
    Query::select().expr(Expr::cust("COUNT(*)")).from_subquery(rows, Alias::new("capped")).to_owned()
}
