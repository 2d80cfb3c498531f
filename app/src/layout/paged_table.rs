//! One paged table for every list page (Users, Invitations, Audit log): loading, empty, the
//! rows, the pager, and the error, the same way everywhere.

use super::Pager;
use crate::dto::{Page, PageAt};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Which page the address asks for (`?after=` or `?before=` a row id): the first when
/// neither is there or either is not a number.
pub fn page_at() -> impl Fn() -> PageAt + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        PageAt::from_params(q.get("after").and_then(|p| p.parse().ok()), q.get("before").and_then(|p| p.parse().ok()))
    }
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
                    Ok(page) => {
                        let (shown, total) = (page.items.len(), page.total_text());
                        view! {
                            <div class="table-scroll" tabindex="0">
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
                            </div>
                            <Pager shown total previous=page.previous next=page.next base=base.get()/>
                        }.into_any()
                    }
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
