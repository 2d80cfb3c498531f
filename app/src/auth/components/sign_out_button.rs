use crate::auth::api::SignOut;
use leptos::prelude::*;

/// Signs out, then goes to the sign-in page, or to `next` when that is an allowed place.
#[component]
pub fn SignOutButton(
    #[prop(optional)] next: Option<&'static str>,
    #[prop(default = "Sign out")] label: &'static str,
) -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=action attr:class="sign-out">
            {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
            <button type="submit" class="button-quiet">{label}</button>
        </ActionForm>
    }
}
