use crate::invitations::dto::Handout;
use leptos::prelude::*;

/// The printable handout for a shop-floor worker, shown once in the Invite dialog: the code is
/// not kept anywhere it could be shown again.
#[component]
pub fn HandoutView(handout: Handout, on_done: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let setup_page = handout.setup_link.rsplit_once('/').map_or(handout.setup_link.clone(), |(page, _)| page.to_owned());
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
            <dl class="details">
                <dt>"Name"</dt><dd>{handout.name}</dd>
                <dt>"Employee number"</dt><dd>{handout.employee_number}</dd>
                <dt>"Setup code"</dt><dd class="setup-code">{handout.setup_code}</dd>
                <dt>"Valid until"</dt><dd>{crate::when::long(handout.expires_at)}</dd>
            </dl>
            <div class="qr" role="img" aria-label="QR code of the setup link" inner_html=handout.qr_svg></div>
            <p class="hint">{format!("Scan the QR code, or open {setup_page} and enter the employee number and setup code.")}</p>
            <div class="modal-actions">
                <button type="button" class="button-secondary" on:click=print>"Print"</button>
                <button type="button" class="button-primary" on:click=move |_| on_done()>"Done"</button>
            </div>
        </section>
    }
}
