use crate::imports::dto::HandoutCard;
use crate::invitations::components::handout_card;
use leptos::prelude::*;

/// An import's handout sheet, shown once: one card per shop-floor worker, printed whole with
/// cut lines, as many to a page as fit. The codes are kept nowhere they could be shown again.
#[component]
pub fn HandoutSheet(cards: Vec<HandoutCard>, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let print = move |_| {
        let _ = window().print();
    };
    let count = cards.len();
    view! {
        <section class="handout-sheet" aria-labelledby="sheet-title">
            <header class="sheet-header">
                <h2 id="sheet-title">{format!("Handout sheet: {count} shop-floor employees")}</h2>
                <p class="notice">"Print this sheet now and cut along the lines: the setup codes are shown only \
                    once. Printing again makes new codes."</p>
                <div class="button-row">
                    <button type="button" class="button-primary" on:click=print>"Print"</button>
                    <button type="button" class="button-secondary" on:click=move |_| on_done()>"Done"</button>
                </div>
            </header>
            <div class="sheet-cards">
                {cards.into_iter().map(|card| view! {
                    <div class="sheet-card">{handout_card(card.handout, card.department)}</div>
                }).collect_view()}
            </div>
        </section>
    }
}
