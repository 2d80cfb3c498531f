//! One way to ask before an action that cannot be undone.

use super::Modal;
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
    let modal = Modal::new();
    let act = move |_| {
        modal.close();
        on_confirm.run(());
    };
    let heading = question.clone();
    view! {
        <button type="button" class=class node_ref=modal.opener() aria-label=name on:click=move |_| modal.open()>{label}</button>
        <dialog class="modal confirm" node_ref=modal.dialog() role="alertdialog" aria-label=question on:close=move |_| modal.return_focus()>
            <header class="modal-header">
                <h2>{heading}</h2>
                <button type="button" class="button-quiet" aria-label="Close" on:click=move |_| modal.close()>"×"</button>
            </header>
            <p>{consequence}</p>
            <div class="modal-actions">
                <button type="button" class="button-secondary" autofocus on:click=move |_| modal.close()>"Cancel"</button>
                <button type="button" class="button-danger" on:click=act>{confirm}</button>
            </div>
        </dialog>
    }
}
