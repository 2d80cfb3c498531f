use super::UsersTabs;
use crate::invitations::components::{InviteDialog, provide_invite_actions};
use crate::layout::{AdminOnly, PagedTable, follows, page_at};
use crate::domain::Role;
use crate::people::api::PersonAction as Act;
use crate::people::dto::PersonAction;
use crate::users::api::{filter_options, list_users};
use crate::users::dto::{UserFilter, UserRow};
use leptos_router::hooks::use_query_map;
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
                <div class="button-row">
                    <a class="button-secondary" href="/users/import">"Import"</a>
                    <InviteDialog/>
                </div>
            </header>
            <p class="notice" role="status">{confirmation}</p>
            <UsersTabs/>
            <Outlet/>
        </AdminOnly>
    }
}

/// The filters in the address (`?q=&role=&department=&location=&status=`).
fn use_user_filter() -> impl Fn() -> UserFilter + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let q = query.read();
        let get = |key: &str| q.get(key).unwrap_or_default();
        UserFilter { q: get("q"), role: get("role"), department: get("department"), location: get("location"), status: get("status") }
    }
}

/// The Users tab: people by name, searchable and filtered (active people unless the status
/// filter says otherwise), each opening their page; Unlock on anyone locked out.
#[component]
pub fn UsersList() -> impl IntoView {
    let at = page_at();
    let filter = use_user_filter();
    let unlock = ServerAction::<Act>::new();
    let users = Resource::new(move || (at(), filter(), unlock.version().get()), |(at, filter, _)| {
        let (after, before) = at.params();
        list_users(after, before, filter)
    });
    let choices = Resource::new(|| (), |_| filter_options());
    let unlock_error = move || unlock.value().get().and_then(Result::err).map(|e| e.to_string());
    // What the address says now, for the first paint; `follows` keeps the controls in step.
    let now = untrack(filter);
    let field = move |part: fn(UserFilter) -> String| Signal::derive(move || part(filter()));
    view! {
        <Title text="Users · Onboard"/>
        <form class="filters" method="get" action="/users" role="search">
            <label for="users-q">"Search"</label>
            <input id="users-q" name="q" type="search" placeholder="Name, email or employee number"
                value=now.q use:follows=field(|f| f.q)/>
            <label for="users-role">"Role"</label>
            <select id="users-role" name="role" use:follows=field(|f| f.role)>
                <option value="">"All roles"</option>
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=now.role == r.as_str()>{r.label()}</option>
                }).collect_view()}
            </select>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let choices = choices.await.unwrap_or_default();
                    let now = untrack(filter);
                    view! {
                        {(!choices.departments.is_empty()).then(|| view! {
                            <label for="users-department">"Department"</label>
                            <select id="users-department" name="department" use:follows=field(|f| f.department)>
                                <option value="">"All departments"</option>
                                {choices.departments.into_iter().map(|d| view! {
                                    <option value=d.id.to_string() selected=now.department == d.id.to_string()>{d.name}</option>
                                }).collect_view()}
                            </select>
                        })}
                        <label for="users-location">"Location"</label>
                        <select id="users-location" name="location" use:follows=field(|f| f.location)>
                            <option value="">"All locations"</option>
                            {choices.locations.into_iter().map(|l| view! {
                                <option value=l.id.to_string() selected=now.location == l.id.to_string()>{l.name}</option>
                            }).collect_view()}
                        </select>
                    }
                })}
            </Transition>
            <label for="users-status">"Status"</label>
            <select id="users-status" name="status" use:follows=field(|f| f.status)>
                <option value="">"Active"</option>
                <option value="deactivated" selected=now.status == "deactivated">"Deactivated"</option>
                <option value="all" selected=now.status == "all">"All"</option>
            </select>
            <button type="submit" class="button-secondary">"Filter"</button>
            <a href="/users">"Clear"</a>
        </form>
        <p class="form-error" role="alert">{unlock_error}</p>
        <PagedTable rows=users class="users" loading="Loading users…" empty="No users match."
            base=Signal::derive(move || format!("/users?{}", filter().query_string()))
            headers=&["Name", "Email or employee number", "Role", "Department", "Location"] actions=true
            row=move |u| view! { <UserRowView user=u unlock/> }.into_any()/>
    }
}

#[component]
fn UserRowView(user: UserRow, unlock: ServerAction<Act>) -> impl IntoView {
    let dash = || "—".to_string();
    let (id, who) = (user.id, user.name.clone());
    view! {
        <tr>
            <td>
                <a href=format!("/users/{id}")>{user.name}</a>
                {user.deactivated.then(|| view! { " "<span class="badge badge-off">"Deactivated"</span> })}
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
                // A form, so Unlock works before the page has hydrated too: the plain post comes
                // back to this page, already unlocked.
                {user.locked.then(|| view! {
                    <ActionForm action=unlock>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="action" value=PersonAction::Unlock.as_str()/>
                        <button type="submit" class="button-quiet" aria-label=format!("Unlock sign-in for {who}")>"Unlock"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
