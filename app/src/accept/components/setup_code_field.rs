use leptos::prelude::*;

/// The setup-code field of a handout's page: typed from the handout, or (after a scanned QR
/// code left it in a cookie) a note saying it was taken from there.
#[component]
pub fn SetupCodeField(id: &'static str, from_link: bool) -> impl IntoView {
    if from_link {
        view! { <p class="hint">"Setup code: taken from the QR code you scanned."</p> }.into_any()
    } else {
        view! {
            <label for=id>"Setup code"</label>
            <input id=id name="setup_code" required maxlength="20" autocomplete="one-time-code"
                autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX-XXXX"/>
        }.into_any()
    }
}
