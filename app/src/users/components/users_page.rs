use super::UsersTabs;
use crate::invitations::components::{InviteDialog, provide_invite_actions};
use crate::layout::{AdminOnly, PagedTable, page_at};
use crate::users::api::{UnlockSignIn, list_users};
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

/// The Users tab: active people, with Unlock on anyone locked out of signing in.
#[component]
pub fn UsersList() -> impl IntoView {
    let at = page_at();
    let unlock = ServerAction::<UnlockSignIn>::new();
    let users = Resource::new(move || (at(), unlock.version().get()), |(at, _)| {
        let (after, before) = at.params();
        list_users(after, before)
    });
    let unlock_error = move || unlock.value().get().and_then(Result::err).map(|e| e.to_string());
    view! {
        <Title text="Users · Onboard"/>
        <p class="form-error" role="alert">{unlock_error}</p>
        <PagedTable rows=users class="users" loading="Loading users…" empty="No active users yet." base="/users?"
            headers=&["Name", "Email or employee number", "Role", "Department", "Location"] actions=true
            row=move |u| view! { <UserRowView user=u unlock/> }.into_any()/>
    }
}

#[component]
fn UserRowView(user: UserRow, unlock: ServerAction<UnlockSignIn>) -> impl IntoView {
    let dash = || "—".to_string();
    let (id, who) = (user.id, user.name.clone());
    view! {
        <tr>
            <td>
                {user.name}
                {user.locked.then(|| view! { " "<span class="badge badge-locked">"Locked"</span> })}
            </td>
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
            <td class="row-actions">
                {user.locked.then(|| view! {
                    <button type="button" class="button-quiet" aria-label=format!("Unlock sign-in for {who}")
                        on:click=move |_| { unlock.dispatch(UnlockSignIn { id }); }>"Unlock"</button>
                })}
            </td>
        </tr>
    }
}
