use leptos::prelude::*;

/// Links to the first, previous and next pages of a list, and how many rows it has. `base` is
/// the list's address with any other query already on it, ending in `?` or `&`; `previous`
/// and `next` are the rows to read before and after.
#[component]
pub fn Pager(shown: usize, total: String, previous: Option<i32>, next: Option<i32>, #[prop(into)] base: String) -> impl IntoView {
    let first = base.trim_end_matches(['?', '&']).to_owned();
    let before = previous.map(|id| format!("{base}before={id}"));
    let after = next.map(|id| format!("{base}after={id}"));
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.is_some().then(|| view! { <a href=first>"First"</a> })}
            {before.map(|href| view! { <a href=href rel="prev">"Previous"</a> })}
            <span>{format!("{shown} shown of {total}")}</span>
            {after.map(|href| view! { <a href=href rel="next">"Next"</a> })}
        </nav>
    }
}
