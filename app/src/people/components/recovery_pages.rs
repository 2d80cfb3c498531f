use crate::accept::api::setup_page_state;
use crate::accept::components::SetupCodeField;
use crate::people::api::{CompletePinReset, ForgotPassword, ResetPassword, reset_link_details};
use crate::layout::errors_of;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/forgot-password`: one address in, always the same answer out.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let sent = move || action.value().get().is_some_and(|r| r.is_ok());
    let error = move || action.value().get().and_then(Result::err).map(|e| e.to_string());
    view! {
        <Title text="Forgot password · Onboard"/>
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Forgot password?"</h1>
                <Show when=sent fallback=move || view! {
                    <p>"Enter the email address you sign in with. We will send a link to choose a new password."</p>
                    <p class="hint">"Shop-floor employees without an email: ask your administrator for a new setup code."</p>
                    <ActionForm action=action attr:class="form" attr:novalidate="">
                        <label for="forgot-email">"Email"</label>
                        <input id="forgot-email" name="email" type="email" autocomplete="username" required maxlength="254"/>
                        <p class="form-error" role="alert">{error}</p>
                        <button type="submit" class="button-primary" disabled=move || action.pending().get()>"Send link"</button>
                    </ActionForm>
                }>
                    <p class="notice" role="status">"If an account uses that address, we have sent a link. Check your inbox."</p>
                </Show>
                <p><a href="/sign-in">"Back to sign in"</a></p>
            </section>
        </main>
    }
}

/// `/reset-password`: reached by the link in a reset email (which leaves the token in a cookie).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let details = Resource::new_blocking(|| (), |_| reset_link_details());
    let action = ServerAction::<ResetPassword>::new();
    let errors = errors_of(action);
    view! {
        <Title text="Choose a new password · Onboard"/>
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Choose a new password"</h1>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match details.await {
                            Ok(who) => view! {
                                <p>{format!("For {who}. At least 12 characters; setting it signs you out everywhere else.")}</p>
                                <ActionForm action=action attr:class="form" attr:novalidate="">
                                    <p class="form-error" role="alert">{errors.form()}</p>
                                    <label for="reset-password">"New password"</label>
                                    <input id="reset-password" name="password" type="password" autocomplete="new-password" required maxlength="1024"/>
                                    <p class="field-error">{errors.field("password")}</p>
                                    <label for="reset-confirmation">"Repeat the new password"</label>
                                    <input id="reset-confirmation" name="password_confirmation" type="password" autocomplete="new-password" required maxlength="1024"/>
                                    <p class="field-error">{errors.field("password_confirmation")}</p>
                                    <button type="submit" class="button-primary">"Set password"</button>
                                </ActionForm>
                            }.into_any(),
                            Err(err) => view! {
                                <p class="form-error" role="alert">{err.to_string()}</p>
                                <p><a href="/forgot-password">"Ask for a new link"</a></p>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

/// `/new-pin`: a shop-floor worker sets a new PIN from a PIN-reset handout, keeping their
/// account; reached by its QR code (which leaves the code in a cookie) or by typing the address.
#[component]
pub fn NewPinPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| setup_page_state());
    let action = ServerAction::<CompletePinReset>::new();
    let errors = errors_of(action);
    view! {
        <Title text="Set a new PIN · Onboard"/>
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Set a new PIN"</h1>
                <p>"Use your employee number and the setup code from the new handout your administrator gave you."</p>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let from_link = state.await.map(|s| s.code_from_link).unwrap_or(false);
                        view! {
                            <ActionForm action=action attr:class="form" attr:novalidate="">
                                <p class="form-error" role="alert">{errors.form()}</p>
                                <label for="pin-number">"Employee number"</label>
                                <input id="pin-number" name="employee_number" required maxlength="32" autocomplete="username"
                                    autocapitalize="characters" spellcheck="false"/>
                                <p class="field-error">{errors.field("employee_number")}</p>
                                <SetupCodeField id="pin-code" from_link/>
                                <label for="pin-secret">"New PIN (at least 6 digits) or password"</label>
                                <input id="pin-secret" name="secret" type="password" inputmode="numeric" autocomplete="new-password" required maxlength="1024"/>
                                <p class="field-error">{errors.field("secret")}</p>
                                <label for="pin-confirmation">"Repeat it"</label>
                                <input id="pin-confirmation" name="secret_confirmation" type="password" inputmode="numeric" autocomplete="new-password" required maxlength="1024"/>
                                <p class="field-error">{errors.field("secret_confirmation")}</p>
                                <button type="submit" class="button-primary">"Set PIN and sign in"</button>
                            </ActionForm>
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}
