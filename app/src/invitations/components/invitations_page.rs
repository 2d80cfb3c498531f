use crate::invitations::api::list_invitations;
use crate::invitations::dto::InvitationRow;
use crate::layout::{AdminOnly, Pager};
use crate::users::components::UsersTabs;
use crate::users::components::page_param;
use leptos::prelude::*;
use leptos_meta::Title;

/// The Invitations tab of the Users page.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let page = page_param();
    let invitations = Resource::new(page, |p| list_invitations(p, String::new()));
    view! {
        <Title text="Invitations · Onboard"/>
        <AdminOnly>
            <header class="page-header"><h1>"Users"</h1></header>
            <UsersTabs/>
            <Suspense fallback=|| view! { <p class="loading">"Loading invitations…"</p> }>
                {move || Suspend::new(async move {
                    match invitations.await {
                        Ok(page) if page.items.is_empty() => view! {
                            <p class="empty">"No invitations yet."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Role"</th>
                                        <th scope="col">"Department"</th>
                                        <th scope="col">"Location"</th>
                                        <th scope="col">"Invited by"</th>
                                        <th scope="col">"Sent"</th>
                                        <th scope="col">"Expires"</th>
                                        <th scope="col">"Status"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.items.into_iter().map(|i| view! { <InvitationRowView invitation=i/> }).collect_view()}
                                </tbody>
                            </table>
                            <Pager page=page.page pages=page.pages href=|p| format!("/users/invitations?page={p}")/>
                        }.into_any(),
                        Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminOnly>
    }
}

#[component]
fn InvitationRowView(invitation: InvitationRow) -> impl IntoView {
    let dash = || "—".to_string();
    let when = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    view! {
        <tr>
            <td>{invitation.invitee}</td>
            <td>{invitation.role.label()}</td>
            <td>{invitation.department.unwrap_or_else(dash)}</td>
            <td>{invitation.location.unwrap_or_else(dash)}</td>
            <td>{invitation.invited_by}</td>
            <td>{when(invitation.sent_at)}</td>
            <td>{when(invitation.expires_at)}</td>
            <td><span class="status">{invitation.status.label()}</span></td>
        </tr>
    }
}
