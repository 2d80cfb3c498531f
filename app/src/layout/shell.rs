use crate::auth::CurrentUser;
use crate::auth::api::get_current_user;
use crate::auth::components::SignOutButton;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

/// The signed-in person, provided by [`SignedInLayout`] to every page inside it.
pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// Every page behind sign-in: resolves the session on the server before rendering, sends
/// anonymous visitors to the sign-in page, and draws the sidebar.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me = Resource::new_blocking(|| (), |_| get_current_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => view! { <Shell user/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Shell(user: CurrentUser) -> impl IntoView {
    provide_context(user.clone());
    let is_admin = user.role.is_admin();
    let is_corporate = crate::policy::may_manage_units(user.role);
    view! {
        <div class="app-shell">
            <nav class="sidebar" aria-label="Main">
                <a class="brand" href="/">"Onboard"</a>
                <ul>
                    <Show when=move || is_admin>
                        <li><A href="/users">"Users"</A></li>
                    </Show>
                    <Show when=move || is_admin>
                        <li><A href="/audit-log">"Audit log"</A></li>
                    </Show>
                    <Show when=move || is_corporate>
                        <li><A href="/organisation">"Organisation"</A></li>
                    </Show>
                    <li><A href="/profile">"My profile"</A></li>
                </ul>
                <div class="sidebar-footer">
                    <p class="signed-in-as">
                        <span class="who">{user.name.clone()}</span>
                        <span class="what">{user.role.label()}</span>
                    </p>
                    <SignOutButton/>
                </div>
            </nav>
            <main class="content">
                <Outlet/>
            </main>
        </div>
    }
}

/// `/`: admins go to Users, everyone else to their profile.
#[component]
pub fn Home() -> impl IntoView {
    let user = use_current_user();
    view! { <Redirect path=user.home_path()/> }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="auth-page">
            <section class="card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. "<a href="/">"Go to the start page"</a></p>
            </section>
        </main>
    }
}
