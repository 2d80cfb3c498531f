use leptos::prelude::*;

/// Previous / next links for a paginated list; `href` builds the link for a page number.
#[component]
pub fn Pager(page: u64, pages: u64, href: fn(u64) -> String) -> impl IntoView {
    let pages = pages.max(1);
    view! {
        <nav class="pager" aria-label="Pages">
            {(page > 1).then(|| view! { <a href=href(page - 1) rel="prev">"Previous"</a> })}
            <span>{format!("Page {page} of {pages}")}</span>
            {(page < pages).then(|| view! { <a href=href(page + 1) rel="next">"Next"</a> })}
        </nav>
    }
}
