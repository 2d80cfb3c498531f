use leptos::prelude::*;

/// For a page that makes a new account (the invitation and setup pages) opened in a browser
/// someone is signed in on: say so, and offer to sign out and come back to `page`.
#[component]
pub fn SignedInElsewhere(name: String, message: &'static str, page: &'static str) -> impl IntoView {
    view! {
        <h1>"You are signed in"</h1>
        <p>{format!("You are signed in as {name}. {message}")}</p>
        // A plain form post, not a client-side action: the page must load afresh once signed out.
        <form method="post" action="/api/sign_out" class="sign-out">
            <input type="hidden" name="next" value=page/>
            <button type="submit" class="button-primary">"Sign out and continue"</button>
        </form>
    }
}
