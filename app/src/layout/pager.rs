use leptos::prelude::*;

/// Previous / next links for a paginated list. `base` is the list's address with any other
/// query already on it, ending in `?` or `&`.
#[component]
pub fn Pager(page: u64, pages: u64, #[prop(into)] base: String) -> impl IntoView {
    let pages = pages.max(1);
    let href = move |p: u64| format!("{base}page={p}");
    view! {
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"Previous"</a> })}
            <span>{format!("Page {page} of {pages}")}</span>
            {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">"Next"</a> })}
        </nav>
    }
}
