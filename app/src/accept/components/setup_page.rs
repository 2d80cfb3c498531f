use super::password_hint::CHECKING;
use super::{CommonList, ProfileFields, SetupCodeField};
use crate::accept::api::{CompleteSetup, setup_page_state};
use crate::accept::dto::SetupPageInfo;
use crate::domain::pin_policy::check_pin;
use crate::layout::{SignedInElsewhere, errors_of};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/setup`: where a shop-floor worker turns their handout into an account, reached by the
/// handout's QR code (which leaves the code in a cookie) or by typing the address.
#[component]
pub fn SetupPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| setup_page_state());
    view! {
        <Title text="Set up your account · Onboard"/>
        <main class="auth-page">
            <section class="card accept-card">
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match state.await {
                            Ok(SetupPageInfo { signed_in_as: Some(name), .. }) => view! {
                                <SignedInElsewhere name page="/setup" message="Sign out first to set up a new account."/>
                            }.into_any(),
                            Ok(state) => view! { <SetupForm code_from_link=state.code_from_link/> }.into_any(),
                            Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SetupForm(code_from_link: bool) -> impl IntoView {
    let action = ServerAction::<CompleteSetup>::new();
    let number = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let errors = errors_of(action);
    // The server's rule, live: digits only is a PIN, anything else a password.
    let common = CommonList::new();
    Effect::new(move |_| {
        if secret.with(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit())) {
            common.load();
        }
    });
    let hint = Memo::new(move |_| {
        let (secret, number) = (secret.get(), number.get());
        let verdict = if secret.is_empty() {
            return ("hint", "A PIN of at least 6 digits, or a password of at least 12 characters.".to_owned());
        } else if secret.chars().all(|c| c.is_ascii_digit()) {
            check_pin(&secret, &number).map_err(|p| p.to_string())
        } else {
            match common.check(&secret, &number) {
                Ok(()) if !common.settled() => return ("hint", CHECKING.to_owned()),
                verdict => verdict.map_err(|p| p.to_string()),
            }
        };
        match verdict {
            Ok(()) => ("hint hint-good", "Good.".to_owned()),
            Err(problem) => ("hint hint-bad", problem),
        }
    });
    view! {
        <h1>"Set up your account"</h1>
        <p>"Use the employee number and setup code from the handout your administrator gave you."</p>
        <ActionForm action=action attr:class="form" attr:novalidate="">
            <p class="form-error" role="alert">{errors.form()}</p>
            <label for="setup-number">"Employee number"</label>
            <input id="setup-number" name="employee_number" required maxlength="32" autocomplete="username"
                autocapitalize="characters" spellcheck="false" on:input=move |ev| number.set(event_target_value(&ev))/>
            <p class="field-error">{errors.field("employee_number")}</p>
            <SetupCodeField id="setup-code" from_link=code_from_link/>
            <ProfileFields prefix="setup" errors/>
            <label for="setup-secret">"PIN or password"</label>
            <input id="setup-secret" name="secret" type="password" required autocomplete="new-password" maxlength="128"
                aria-describedby="setup-secret-hint" on:input=move |ev| secret.set(event_target_value(&ev))/>
            <p id="setup-secret-hint" class=move || hint.get().0 aria-live="polite">{move || hint.get().1}</p>
            <p class="field-error">{errors.field("secret")}</p>
            <label for="setup-secret-confirmation">"Repeat PIN or password"</label>
            <input id="setup-secret-confirmation" name="secret_confirmation" type="password" required
                autocomplete="new-password" maxlength="128"/>
            <p class="field-error">{errors.field("secret_confirmation")}</p>
            <button type="submit" class="button-primary" disabled=move || action.pending().get()>"Set up my account"</button>
        </ActionForm>
    }
}
