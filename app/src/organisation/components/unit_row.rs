use crate::organisation::api::{RenameUnit, SetUnitArchived};
use crate::organisation::dto::{Unit, UnitKind};
use leptos::prelude::*;

/// One unit: its name (editable in place) and an Archive / Restore button.
#[component]
pub fn UnitRowView(
    kind: UnitKind,
    unit: Unit,
    rename: ServerAction<RenameUnit>,
    archive: ServerAction<SetUnitArchived>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let name = RwSignal::new(unit.name.clone());
    let id = unit.id;
    let archived = unit.archived;
    let field_id = format!("{}-{}-name", kind.singular(), id);
    let submit_rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        rename.dispatch(RenameUnit { kind, id, name: name.get_untracked() });
        editing.set(false);
    };
    view! {
        <li class="unit" class:archived=archived>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <span class="unit-name">{unit.name.clone()}</span>
                    {archived.then(|| view! { <span class="badge">"Archived"</span> })}
                    <button type="button" class="button-quiet" on:click=move |_| editing.set(true)>"Rename"</button>
                }
            >
                <form class="inline-form" on:submit=submit_rename>
                    <label class="visually-hidden" for=field_id.clone()>"Name"</label>
                    <input id=field_id.clone() required maxlength="120"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                    <button type="submit" class="button-secondary">"Save"</button>
                    <button type="button" class="button-quiet" on:click=move |_| editing.set(false)>"Cancel"</button>
                </form>
            </Show>
            <button type="button" class="button-quiet"
                on:click=move |_| { archive.dispatch(SetUnitArchived { kind, id, archived: !archived }); }>
                {if archived { "Restore" } else { "Archive" }}
            </button>
        </li>
    }
}
