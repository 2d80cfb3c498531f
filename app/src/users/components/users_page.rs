use super::UsersTabs;
use crate::invitations::components::{InviteDialog, provide_invite_actions};
use crate::layout::{AdminOnly, PagedTable, page_param};
use crate::users::api::list_users;
use crate::users::dto::UserRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

/// The Users page around both tabs: title, the Invite button, the confirmation, the tabs.
#[component]
pub fn UsersSection() -> impl IntoView {
    let invite = provide_invite_actions();
    let confirmation = move || {
        invite.value().get().and_then(Result::ok).map(|to| format!("Invitation sent to {to}."))
    };
    view! {
        <AdminOnly>
            <header class="page-header">
                <h1>"Users"</h1>
                <InviteDialog/>
            </header>
            <p class="notice" role="status">{confirmation}</p>
            <UsersTabs/>
            <Outlet/>
        </AdminOnly>
    }
}

/// The Users tab: active people.
#[component]
pub fn UsersList() -> impl IntoView {
    let page = page_param();
    let users = Resource::new(page, list_users);
    view! {
        <Title text="Users · Onboard"/>
        <PagedTable rows=users class="users" loading="Loading users…" empty="No active users yet." base="/users?"
            headers=&["Name", "Email or employee number", "Role", "Department", "Location"]
            row=|u| view! { <UserRowView user=u/> }.into_any()/>
    }
}

#[component]
fn UserRowView(user: UserRow) -> impl IntoView {
    let dash = || "—".to_string();
    view! {
        <tr>
            <td>{user.name}</td>
            <td>
                {match (user.email, user.employee_number) {
                    (Some(email), _) => email.into_any(),
                    (None, Some(number)) => view! { {number}" "<span class="badge">"Shop-floor"</span> }.into_any(),
                    (None, None) => dash().into_any(),
                }}
            </td>
            <td>{user.role.label()}</td>
            <td>{user.department.unwrap_or_else(dash)}</td>
            <td>{user.location.unwrap_or_else(dash)}</td>
        </tr>
    }
}
