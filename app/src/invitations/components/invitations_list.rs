use super::{HandoutDialog, InviteAction, ShopFloorAction};
use crate::invitations::api::{ResendInvitation, RevokeInvitation, list_invitations};
use crate::invitations::dto::{InvitationRow, InvitationStatus};
use crate::layout::{ConfirmButton, PagedTable, follows, page_at};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The Invitations tab: every invitation the admin may see, newest first, filterable by status,
/// with Resend and Revoke on those not yet accepted.
#[component]
pub fn InvitationsList() -> impl IntoView {
    let at = page_at();
    let query = use_query_map();
    let status = move || query.read().get("status").and_then(|label| InvitationStatus::from_label(&label));
    let invite = expect_context::<InviteAction>().0;
    let shop_floor = expect_context::<ShopFloorAction>().0;
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let invitations = Resource::new(
        move || {
            let versions = (invite.version().get(), shop_floor.version().get(), resend.version().get(), revoke.version().get());
            (at(), status(), versions)
        },
        |(at, status, ..)| {
            let (after, before) = at.params();
            list_invitations(after, before, status)
        },
    );
    let action_error = move || {
        let resend_err = resend.value().get().and_then(Result::err);
        resend_err.or(revoke.value().get().and_then(Result::err)).map(|e| e.to_string())
    };
    // An email Resend answers nothing: say what it did to the earlier link.
    let resent = move || {
        matches!(resend.value().get(), Some(Ok(None))).then_some("Sent again. The link in the earlier email no longer works.")
    };
    // A shop-floor Resend answers a new handout, shown once.
    let handout = Signal::derive(move || resend.value().get().and_then(Result::ok).flatten());
    let pager_base = Signal::derive(move || match status() {
        None => "/users/invitations?".to_owned(),
        Some(status) => format!("/users/invitations?status={}&", status.label()),
    });
    let navigate = use_navigate();
    let filter = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let target = if value.is_empty() { "/users/invitations".to_owned() } else { format!("/users/invitations?status={value}") };
        navigate(&target, Default::default());
    };

    view! {
        <Title text="Invitations · Onboard"/>
        <form class="filters" method="get" action="/users/invitations">
            <label for="invitation-status">"Status"</label>
            <select id="invitation-status" name="status" use:follows=Signal::derive(move || status().map(|s| s.label().to_owned()).unwrap_or_default()) on:change=filter>
                <option value="">"All"</option>
                {InvitationStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.label() selected=untrack(status) == Some(s)>{s.label()}</option>
                }).collect_view()}
            </select>
            <noscript><button type="submit" class="button-secondary">"Filter"</button></noscript>
        </form>
        <p class="form-error" role="alert">{action_error}</p>
        <p class="notice" role="status">{resent}</p>
        <HandoutDialog handout on_close=Callback::new(move |()| resend.value().set(None))/>
        <PagedTable rows=invitations class="invitations" loading="Loading invitations…" empty="No invitations yet."
            base=pager_base actions=true
            headers=&["Email", "Role", "Department", "Location", "Invited by", "Sent", "Expires", "Status", "Mail"]
            row=move |i| view! { <InvitationRowView invitation=i resend revoke/> }.into_any()/>
    }
}

#[component]
fn InvitationRowView(
    invitation: InvitationRow,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let dash = || "—".to_string();
    let when = crate::when::short;
    let id = invitation.id;
    let open = invitation.status.is_open();
    let who = invitation.invitee.clone();
    let shop_floor = invitation.known_by.is_shop_floor();
    view! {
        <tr>
            <td>
                {invitation.invitee}
                {invitation.known_by.is_shop_floor().then(|| view! { " "<span class="badge">"Shop-floor"</span> })}
            </td>
            <td>{invitation.role.label()}</td>
            <td>{invitation.department.unwrap_or_else(dash)}</td>
            <td>{invitation.location.unwrap_or_else(dash)}</td>
            <td>{invitation.invited_by}</td>
            <td>{when(invitation.sent_at)}</td>
            <td>{when(invitation.expires_at)}</td>
            <td><span class=format!("status status-{}", invitation.status.label().to_lowercase())>{invitation.status.label()}</span></td>
            <td>
                {invitation.delivery.map(|d| d.label().to_owned()).unwrap_or_else(dash)}
                {invitation.reminded.then(|| view! { " "<span class="badge">"Reminded"</span> })}
            </td>
            <td class="row-actions">
                {open.then(|| {
                    let resend_now = move || { resend.dispatch(ResendInvitation { id }); };
                    let resend_button = if shop_floor {
                        // A new code kills the printed one: ask first.
                        view! {
                            <ConfirmButton label="Resend" name=format!("Resend invitation to {who}") class="button-quiet"
                                question=format!("Make a new setup code for {who}?")
                                consequence="The printed code stops working now."
                                confirm="Make a new code" on_confirm=resend_now/>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="button-quiet" aria-label=format!("Resend invitation to {who}")
                                on:click=move |_| resend_now()>"Resend"</button>
                        }.into_any()
                    };
                    let consequence = if shop_floor {
                        "Its setup code stops working at once."
                    } else {
                        "Its link stops working at once."
                    };
                    view! {
                        {resend_button}
                        <ConfirmButton label="Revoke" name=format!("Revoke invitation to {who}") class="button-quiet danger"
                            question=format!("Revoke the invitation to {who}?") consequence confirm="Revoke"
                            on_confirm=move || { revoke.dispatch(RevokeInvitation { id }); }/>
                    }
                })}
            </td>
        </tr>
    }
}
