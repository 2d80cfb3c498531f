use crate::imports::api::list_imports;
use crate::layout::{PagedTable, page_at};
use leptos::prelude::*;
use leptos_meta::Title;

/// Users → Imports: the imports this admin may see, newest first.
#[component]
pub fn ImportsList() -> impl IntoView {
    let at = page_at();
    let imports = Resource::new(move || at(), |at| {
        let (after, before) = at.params();
        list_imports(after, before)
    });
    view! {
        <Title text="Imports · Onboard"/>
        <p><a class="button-secondary" href="/users/import">"Import people from a spreadsheet"</a></p>
        <PagedTable rows=imports class="imports" loading="Loading imports…" empty="No imports yet."
            base="/users/imports?".to_owned()
            headers=&["File", "Started by", "Started", "Rows", "State"]
            row=move |i| view! {
                <tr>
                    <td><a href=format!("/users/imports/{}", i.id)>{i.file_name}</a></td>
                    <td>{i.started_by}</td>
                    <td>{crate::when::long(i.started_at)}</td>
                    <td>{i.total_rows}</td>
                    <td>{i.state}</td>
                </tr>
            }.into_any()/>
    }
}
