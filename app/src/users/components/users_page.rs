use super::UsersTabs;
use crate::invitations::api::{InviteShopFloor, SendInvitation};
use crate::invitations::components::InviteDialog;
use crate::layout::{AdminOnly, Pager};
use crate::users::api::list_users;
use crate::users::dto::UserRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_query_map;

/// The page number in `?page=`, 1 when missing or not a number.
pub fn page_param() -> impl Fn() -> u64 + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("page").and_then(|p| p.parse().ok()).unwrap_or(1)
}

/// The Invite dialog's action, shared with the Invitations tab so it refreshes after a send.
#[derive(Clone, Copy)]
pub struct InviteAction(pub ServerAction<SendInvitation>);

/// The Invite dialog's shop-floor action, shared the same way.
#[derive(Clone, Copy)]
pub struct ShopFloorAction(pub ServerAction<InviteShopFloor>);

/// The Users page around both tabs: title, the Invite button, the confirmation, the tabs.
#[component]
pub fn UsersSection() -> impl IntoView {
    let invite = ServerAction::<SendInvitation>::new();
    provide_context(InviteAction(invite));
    let shop_floor = ServerAction::<InviteShopFloor>::new();
    provide_context(ShopFloorAction(shop_floor));
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
        <Suspense fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(page) if page.items.is_empty() => view! {
                        <p class="empty">"No active users yet."</p>
                    }.into_any(),
                    Ok(page) => view! {
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Email or employee number"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Department"</th>
                                    <th scope="col">"Location"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {page.items.into_iter().map(|u| view! { <UserRowView user=u/> }).collect_view()}
                            </tbody>
                        </table>
                        <Pager page=page.page pages=page.pages base="/users?"/>
                    }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
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
