use crate::imports::dto::HandoutCard;
use leptos::prelude::*;

/// An import's handout sheet, shown once: one card per shop-floor worker, eight to an A4 page
/// with cut lines when printed. The codes are kept nowhere they could be shown again.
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
                {cards.into_iter().map(|card| {
                    let h = card.handout;
                    let setup_page = h.setup_link.rsplit_once('/').map_or(h.setup_link.clone(), |(page, _)| page.to_owned());
                    view! {
                        <article class="sheet-card">
                            <h3>{h.name}</h3>
                            <dl class="details">
                                <dt>"Employee number"</dt><dd>{h.employee_number}</dd>
                                {card.department.map(|d| view! { <dt>"Department"</dt><dd>{d}</dd> })}
                                <dt>"Setup code"</dt><dd class="setup-code">{h.setup_code}</dd>
                                <dt>"Valid until"</dt><dd>{crate::when::long(h.expires_at)}</dd>
                            </dl>
                            <div class="qr" role="img" aria-label="QR code of the setup link" inner_html=h.qr_svg></div>
                            <p class="hint">{format!("Scan the code, or open {setup_page} and enter your employee number and setup code.")}</p>
                        </article>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}
