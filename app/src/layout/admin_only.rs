use super::shell::use_current_user;
use leptos::prelude::*;

/// Renders `children` for admins; everyone else gets a 403 page. The server functions behind
/// the pages check again: this only keeps the page itself honest.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let allowed = use_current_user().role.is_admin();
    guarded(allowed, children)
}

/// Renders `children` for those who manage departments and locations (the Corporate Admin).
#[component]
pub fn CorporateAdminOnly(children: ChildrenFn) -> impl IntoView {
    let allowed = crate::policy::may_manage_units(use_current_user().role);
    guarded(allowed, children)
}

fn guarded(allowed: bool, children: ChildrenFn) -> AnyView {
    if allowed {
        return children().into_any();
    }
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <section class="card">
            <h1>"No access"</h1>
            <p>"You do not have permission to view this page."</p>
        </section>
    }
    .into_any()
}
