use crate::invitations::dto::Handout;
use crate::layout::Modal;
use leptos::prelude::*;

/// A handout made just now by an action outside the Invite dialog (a shop-floor Resend, a PIN
/// reset), in a modal dialog that opens as soon as `handout` holds one, wherever the page is
/// scrolled to: leaving without it would lock the worker out. `on_close` forgets the handout.
#[component]
pub fn HandoutDialog(#[prop(into)] handout: Signal<Option<Handout>>, on_close: Callback<()>) -> impl IntoView {
    let modal = Modal::new();
    Effect::new(move |_| {
        if handout.with(Option::is_some) {
            modal.open();
        }
    });
    view! {
        <dialog class="modal" node_ref=modal.dialog() aria-labelledby="handout-title" on:close=move |_| on_close.run(())>
            {move || handout.get().map(|made| view! {
                <HandoutView handout=made on_done=move || modal.close()/>
                <p class="notice" role="status">"Any earlier setup code for this person no longer works."</p>
            })}
        </dialog>
    }
}

/// The printable handout for a shop-floor worker, shown once in the Invite dialog: the code is
/// not kept anywhere it could be shown again.
#[component]
pub fn HandoutView(handout: Handout, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="handout" aria-labelledby="handout-title">
            <header class="modal-header">
                <h2 id="handout-title">"Setup handout"</h2>
            </header>
            <p class="notice">"Print this or hand it over now: the setup code is shown only once. \
                Resend makes a new one."</p>
            {handout_card(handout, None)}
            <div class="modal-actions">
                <button type="button" class="button-secondary" on:click=print>"Print"</button>
                <button type="button" class="button-primary" on:click=move |_| on_done()>"Done"</button>
            </div>
        </section>
    }
}

/// What a worker takes to the terminal, on screen and on paper alike: who it is for, numbered
/// steps with the setup address and code, the QR code, and until when the code works. Printing
/// prints these cards and nothing else, each whole on one page (style/main.css).
pub fn handout_card(handout: Handout, department: Option<String>) -> impl IntoView {
    let setup_page = handout.setup_link.rsplit_once('/').map_or(handout.setup_link.clone(), |(page, _)| page.to_owned());
    let number = handout.employee_number.clone();
    view! {
        <article class="handout-card">
            <p class="handout-organisation">{handout.organisation}</p>
            <h3>{handout.name}</h3>
            <p class="handout-who">
                "Employee number "{handout.employee_number}
                {department.map(|d| format!(" · {d}"))}
            </p>
            <div class="handout-card-body">
                <div class="qr" role="img" aria-label="QR code of the setup link" inner_html=handout.qr_svg></div>
                <ol class="handout-steps">
                    <li>"Open "<strong class="setup-address">{setup_page}</strong>", or scan the QR code."</li>
                    <li>
                        "Type your employee number "<strong>{number}</strong>" and this setup code: "
                        <span class="setup-code">{handout.setup_code}</span>
                    </li>
                    <li>"Choose a PIN (or a password): you sign in with it from now on."</li>
                </ol>
            </div>
            <p class="handout-expiry">"The code works once, until "{crate::when::long(handout.expires_at)}"."</p>
        </article>
    }
}
