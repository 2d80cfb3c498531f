//! One paged table for every list page (Users, Invitations, Audit log): loading, empty, the
//! rows, the pager, and the error, the same way everywhere.

use super::Pager;
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The page number in `?page=`, 1 when missing or not a number.
pub fn page_param() -> impl Fn() -> u64 + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

/// A list's table over `rows`, one page at a time. `headers` name the columns (`actions` adds
/// an unlabelled last one for row buttons); `row` draws one item; `base` is the list's address
/// with its filters, ending in `?` or `&`, for the pager's links.
#[component]
pub fn PagedTable<T, R>(
    rows: Resource<Result<Page<T>, AppError>>,
    class: &'static str,
    headers: &'static [&'static str],
    #[prop(optional)] actions: bool,
    loading: &'static str,
    empty: &'static str,
    #[prop(into)] base: Signal<String>,
    row: R,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    R: Fn(T) -> AnyView + Copy + Send + Sync + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(page) if page.items.is_empty() => view! { <p class="empty">{empty}</p> }.into_any(),
                    Ok(page) => view! {
                        <table class=format!("data-table {class}")>
                            <thead>
                                <tr>
                                    {headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}
                                    {actions.then(|| view! {
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    })}
                                </tr>
                            </thead>
                            <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
                        </table>
                        <Pager page=page.page pages=page.pages base=base.get()/>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
