use crate::auth::SignedInAs;
use crate::auth::api::get_current_user;
use crate::auth::components::SignOutButton;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use serde::{Deserialize, Serialize};

/// The signed-in person, provided by [`SignedInLayout`] to every page inside it.
pub fn use_current_user() -> SignedInAs {
    expect_context::<SignedInAs>()
}

/// Whether someone is signed in, as the page knows it when it is drawn.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Session {
    SignedIn(SignedInAs),
    SignedOut,
    /// Drawn in the browser after the first page (after signing in, or by a link from a page
    /// outside sign-in): the browser has to ask the server.
    Unknown,
}

/// On the server, the person the session layer resolved for this request.
fn known_session() -> Session {
    #[cfg(feature = "ssr")]
    {
        match crate::ssr::viewer() {
            Ok(Some(actor)) => Session::SignedIn(SignedInAs { id: actor.user_id, name: actor.name, role: actor.role }),
            Ok(None) => Session::SignedOut,
            Err(_) => Session::Unknown,
        }
    }
    #[cfg(not(feature = "ssr"))]
    Session::Unknown
}

/// Every page behind sign-in: sends anonymous visitors to the sign-in page and draws the
/// sidebar around the page.
///
/// The server knows who is signed in without a query, and while the browser hydrates the
/// page it reads the same value from it ([`SharedValue`]), so the page is drawn straight away
/// rather than inside a `Suspense` waiting for a resource: Leptos walks a `Suspense`'s
/// children more than once on the server, and every walk created the page's resources again,
/// so each page read its data twice (bench/README.md, "Lists at 100k rows").
#[component]
pub fn SignedInLayout() -> impl IntoView {
    match SharedValue::new(known_session).into_inner() {
        Session::SignedIn(user) => view! { <Shell user/> }.into_any(),
        Session::SignedOut => view! { <Redirect path="/sign-in"/> }.into_any(),
        Session::Unknown => view! { <AskedLayout/> }.into_any(),
    }
}

/// [`SignedInLayout`] drawn in the browser without the server's answer at hand: it asks.
#[component]
fn AskedLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_current_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => view! { <Shell user=SignedInAs::from(&user)/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The frame of every signed-in page: the sidebar on a wide screen; on a phone or tablet a
/// compact top bar whose Menu button opens the same links (closed again by following one).
#[component]
fn Shell(user: SignedInAs) -> impl IntoView {
    provide_context(user.clone());
    let is_admin = user.role.is_admin();
    let is_corporate = crate::policy::may_manage_units(user.role);
    let menu_open = RwSignal::new(false);
    view! {
        <div class="app-shell">
            <nav class="sidebar" class:open=move || menu_open.get() aria-label="Main">
                <a class="brand" href="/">"Onboard"</a>
                <button type="button" class="menu-button button-quiet" aria-controls="main-menu"
                    aria-expanded=move || menu_open.get().to_string() on:click=move |_| menu_open.update(|open| *open = !*open)>
                    "Menu"
                </button>
                <div id="main-menu" class="menu">
                    <ul on:click=move |_| menu_open.set(false)>
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
