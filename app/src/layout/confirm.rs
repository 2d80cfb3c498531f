//! One way to ask before an action that cannot be undone.

use leptos::html::{Button, Dialog};
use leptos::prelude::*;

/// A button for an action that cannot be undone. It does nothing by itself: it opens a dialog
/// that asks `question` and says `consequence`, and only the dialog's `confirm` button acts.
/// Cancel, Escape and × leave everything as it was, and focus goes back to the button.
#[component]
pub fn ConfirmButton(
    /// The button's words.
    label: &'static str,
    /// The button's accessible name when its words alone are not enough (one per table row).
    #[prop(optional, into)]
    name: Option<String>,
    class: &'static str,
    /// What is asked, like "Reset Tariq Aziz's PIN?".
    #[prop(into)]
    question: String,
    /// What happens then, like "Their current PIN stops working now.".
    #[prop(into)]
    consequence: String,
    /// The confirming button's words, like "Reset PIN".
    confirm: &'static str,
    /// A callback, not a generic closure: one copy of this view serves every caller (a generic
    /// one measured larger; bench/README.md, "First load").
    #[prop(into)]
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let opener = NodeRef::<Button>::new();
    let open = move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let close = move || {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let on_close = move |_| {
        if let Some(b) = opener.get() {
            let _ = b.focus();
        }
    };
    let act = move |_| {
        close();
        on_confirm.run(());
    };
    let heading = question.clone();
    view! {
        <button type="button" class=class node_ref=opener aria-label=name on:click=open>{label}</button>
        <dialog class="modal confirm" node_ref=dialog role="alertdialog" aria-label=question on:close=on_close>
            <header class="modal-header">
                <h2>{heading}</h2>
                <button type="button" class="button-quiet" aria-label="Close" on:click=move |_| close()>"×"</button>
            </header>
            <p>{consequence}</p>
            <div class="modal-actions">
                <button type="button" class="button-secondary" autofocus on:click=move |_| close()>"Cancel"</button>
                <button type="button" class="button-danger" on:click=act>{confirm}</button>
            </div>
        </dialog>
    }
}
