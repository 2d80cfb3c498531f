use leptos::prelude::*;
use leptos_router::components::A;

/// The "Users" / "Invitations" / "Imports" tabs at the top of the Users page.
#[component]
pub fn UsersTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Users page sections">
            <A href="/users" exact=true>"Users"</A>
            <A href="/users/invitations">"Invitations"</A>
            <A href="/users/imports">"Imports"</A>
        </nav>
    }
}
