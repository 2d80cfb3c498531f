use crate::auth::api::SignIn;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in form. Works as a plain form post; once hydrated it shows errors in place and
/// offers a show/hide toggle for the password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let show_password = RwSignal::new(false);
    let error = move || action.value().get().and_then(Result::err).map(|e| e.to_string());

    view! {
        <Title text="Sign in · Onboard"/>
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Sign in to Onboard"</h1>
                <ActionForm action=action attr:class="form" attr:novalidate="">
                    <label for="sign-in-email">"Email or employee number"</label>
                    <input id="sign-in-email" name="email" type="text" inputmode="email" autocomplete="username" autofocus
                        autocapitalize="none" spellcheck="false" required maxlength="254"/>
                    <label for="sign-in-password">"Password or PIN"</label>
                    <div class="password-field">
                        <input id="sign-in-password" name="password" required maxlength="1024"
                            autocomplete="current-password"
                            type=move || if show_password.get() { "text" } else { "password" }/>
                        <button type="button" class="button-quiet"
                            aria-controls="sign-in-password"
                            aria-pressed=move || show_password.get().to_string()
                            on:click=move |_| show_password.update(|shown| *shown = !*shown)>
                            {move || if show_password.get() { "Hide password" } else { "Show password" }}
                        </button>
                    </div>
                    <p class="form-error" role="alert">{error}</p>
                    <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
                <p><a href="/forgot-password">"Forgot password?"</a></p>
                // A shop-floor worker with a handout (or anyone invited without a link) starts there.
                <p><a href="/setup">"First time here? Set up with your code"</a></p>
            </section>
        </main>
    }
}
