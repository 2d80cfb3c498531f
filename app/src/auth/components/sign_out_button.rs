use crate::auth::api::SignOut;
use leptos::prelude::*;

#[component]
pub fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=action attr:class="sign-out">
            <button type="submit" class="button-quiet">"Sign out"</button>
        </ActionForm>
    }
}
