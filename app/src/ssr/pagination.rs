//! One page of a sea-orm query, as the lists show it.

use crate::dto::{PAGE_SIZE, Page};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, Select};

/// Fetches 1-based `page` of `query`, clamped to the pages there are.
pub async fn fetch_page<E>(db: &impl ConnectionTrait, query: Select<E>, page: u64) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
{
    let paginator = query.paginate(db, PAGE_SIZE);
    let counts = paginator.num_items_and_pages().await?;
    let pages = counts.number_of_pages.max(1);
    let page = page.clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await?;
    Ok(Page { items: rows, page, pages, total: counts.number_of_items })
}
