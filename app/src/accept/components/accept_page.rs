use super::{PasswordHint, ProfileFields};
use crate::accept::api::{AcceptInvitation, invitation_details};
use crate::accept::dto::{InvitationDetails, InvitationPage};
use crate::domain::password_policy::MAX_PASSWORD_CHARS;
use crate::error::AppError;
use crate::layout::{SignedInElsewhere, errors_of};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/invitation`: where an invitation link lands once its token is in the cookie. Shows the
/// invitation and the sign-up form, the one "no longer valid" page, or, for someone already
/// signed in, the way to sign out first.
#[component]
pub fn AcceptPage() -> impl IntoView {
    let page = Resource::new_blocking(|| (), |_| invitation_details());
    view! {
        <Title text="Accept your invitation · Onboard"/>
        <main class="auth-page">
            <section class="card accept-card">
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(InvitationPage::Open(details)) => view! { <AcceptForm details/> }.into_any(),
                            Ok(InvitationPage::SignedIn { name }) => view! {
                                <SignedInElsewhere name page="/invitation" message="This invitation is for a new account, \
                                    so sign out first to accept it. Nothing will be added to the account you are signed in with."/>
                            }.into_any(),
                            Err(AppError::InvitationLinkInvalid) => view! { <LinkNoLongerValid/> }.into_any(),
                            Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn LinkNoLongerValid() -> impl IntoView {
    view! {
        <h1>"This invitation link is no longer valid"</h1>
        <p>"Ask your administrator for a new invitation."</p>
        <p>"Already have an account? "<a href="/sign-in">"Sign in"</a></p>
    }
}

#[component]
fn AcceptForm(details: InvitationDetails) -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let errors = errors_of(action);
    let mismatch = move || {
        let confirmation = confirmation.get();
        (!confirmation.is_empty() && confirmation != password.get()).then_some("The two passwords do not match.")
    };
    let dash = || "—".to_owned();
    let email = details.email.clone().unwrap_or_default();
    let expires = crate::when::long(details.expires_at);
    view! {
        <h1>{format!("Join {} on Onboard", details.organisation)}</h1>
        <p>{format!("{} invited you to join {}. Set a password and tell us who you are to finish.",
            details.inviter, details.organisation)}</p>
        <dl class="details invitation-summary">
            <dt>"Email"</dt><dd>{details.email.clone().unwrap_or_else(dash)}</dd>
            <dt>"Role"</dt><dd>{details.role.label()}</dd>
            <dt>"Department"</dt><dd>{details.department.clone().unwrap_or_else(dash)}</dd>
            <dt>"Location"</dt><dd>{details.location.clone().unwrap_or_else(dash)}</dd>
            <dt>"Link valid until"</dt><dd>{expires}</dd>
        </dl>
        <p class="hint">"Your role, department and location come from the invitation; an administrator can change them later."</p>
        <ActionForm action=action attr:class="form" attr:novalidate="">
            <p class="form-error" role="alert">{errors.form()}</p>
            <ProfileFields prefix="accept" errors/>
            // The account name for password managers.
            <input type="hidden" value=email.clone() autocomplete="username"/>
            <label for="accept-password">"Password"</label>
            <input id="accept-password" name="password" type="password" required autocomplete="new-password"
                maxlength=MAX_PASSWORD_CHARS.to_string() aria-describedby="accept-password-hint accept-password-error"
                on:input=move |ev| password.set(event_target_value(&ev))/>
            <PasswordHint id="accept-password-hint" password=password.read_only() email=email/>
            <p id="accept-password-error" class="field-error">{errors.field("password")}</p>
            <label for="accept-password-confirmation">"Confirm password"</label>
            <input id="accept-password-confirmation" name="password_confirmation" type="password" required
                autocomplete="new-password" aria-describedby="accept-confirmation-error"
                on:input=move |ev| confirmation.set(event_target_value(&ev))/>
            <p id="accept-confirmation-error" class="field-error">
                {move || errors.field("password_confirmation")().or(mismatch().map(str::to_owned))}
            </p>
            <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                "Complete sign-up"
            </button>
        </ActionForm>
    }
}
