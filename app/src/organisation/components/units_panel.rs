use super::UnitRowView;
use crate::organisation::api::{AddUnit, RenameUnit, SetUnitArchived, list_units};
use crate::organisation::dto::UnitKind;
use leptos::prelude::*;

/// The list of one kind of unit with its add form; refreshes after any change.
#[component]
pub fn UnitsPanel(kind: UnitKind) -> impl IntoView {
    let add = ServerAction::<AddUnit>::new();
    let rename = ServerAction::<RenameUnit>::new();
    let archive = ServerAction::<SetUnitArchived>::new();
    let units = Resource::new(
        move || (add.version().get(), rename.version().get(), archive.version().get()),
        move |_| list_units(kind),
    );
    let add_error = move || add.value().get().and_then(Result::err).map(|e| e.to_string());
    let action_error = move || {
        let rename_err = rename.value().get().and_then(Result::err);
        let archive_err = archive.value().get().and_then(Result::err);
        rename_err.or(archive_err).map(|e| e.to_string())
    };
    let input_id = format!("add-{}", kind.singular());
    let heading_id = format!("{}-heading", kind.singular());

    view! {
        <section class="card panel" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{kind.plural_title()}</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match units.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{format!("No {} yet.", kind.plural_title().to_lowercase())}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="unit-list">
                                {list.into_iter().map(|unit| view! {
                                    <UnitRowView kind unit rename archive/>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <p class="form-error" role="alert">{action_error}</p>
            <ActionForm action=add attr:class="inline-form" attr:novalidate="">
                <input type="hidden" name="kind" value=kind.form_value()/>
                <label for=input_id.clone()>{format!("New {}", kind.singular())}</label>
                <input id=input_id name="name" required maxlength="120"/>
                <button type="submit" class="button-secondary">{format!("Add {}", kind.singular())}</button>
            </ActionForm>
            <p class="form-error" role="alert">{add_error}</p>
        </section>
    }
}
