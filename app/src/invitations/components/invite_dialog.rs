use super::HandoutView;
use crate::domain::Role;
use crate::error::AppError;
use crate::invitations::api::{InviteShopFloor, SendInvitation, invite_options};
use crate::invitations::dto::InviteChoices;
use crate::organisation::dto::Unit;
use crate::policy::{InviteKind, invitable_roles};
use leptos::html::{Button, Dialog};
use leptos::prelude::*;

/// The Invite dialog's action, shared with the Invitations tab so it refreshes after a send.
#[derive(Clone, Copy)]
pub struct InviteAction(pub ServerAction<SendInvitation>);

/// The Invite dialog's shop-floor action, shared the same way.
#[derive(Clone, Copy)]
pub struct ShopFloorAction(pub ServerAction<InviteShopFloor>);

/// Makes the dialog's actions for the page around it (and its Invitations tab); answers the
/// email one, whose answer the page confirms.
pub fn provide_invite_actions() -> ServerAction<SendInvitation> {
    let invite = ServerAction::<SendInvitation>::new();
    provide_context(InviteAction(invite));
    provide_context(ShopFloorAction(ServerAction::<InviteShopFloor>::new()));
    invite
}

/// The "Invite" button and its modal dialog: email mode by default, with the
/// "Shop-floor employee (no email)" toggle. The form offers only what this admin may do; the
/// server checks everything again.
#[component]
pub fn InviteDialog() -> impl IntoView {
    let action = expect_context::<InviteAction>().0;
    let shop_action = expect_context::<ShopFloorAction>().0;
    let dialog = NodeRef::<Dialog>::new();
    let opener = NodeRef::<Button>::new();
    let shop_floor = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let department = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    let first_name = RwSignal::new(String::new());
    let last_name = RwSignal::new(String::new());
    let employee_number = RwSignal::new(String::new());
    // Refetched after every send so the remaining count stays true.
    let choices = Resource::new(move || (action.version().get(), shop_action.version().get()), |_| invite_options());
    // Shown once, right after it is made; gone when the dialog closes.
    let handout = RwSignal::new(None);

    let open = move |_| {
        shop_floor.set(false);
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let close = move || {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    // Native dialogs close on Escape; either way focus goes back to the Invite button.
    let on_close = move |_| {
        handout.set(None);
        if let Some(b) = opener.get() {
            let _ = b.focus();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if shop_floor.get_untracked() {
            shop_action.dispatch(InviteShopFloor {
                first_name: first_name.get_untracked(),
                last_name: last_name.get_untracked(),
                employee_number: employee_number.get_untracked(),
                role: role.get_untracked(),
                department: department.get_untracked(),
                location: location.get_untracked(),
            });
            return;
        }
        action.dispatch(SendInvitation {
            email: email.get_untracked(),
            role: role.get_untracked(),
            department: department.get_untracked(),
            location: location.get_untracked(),
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            email.set(String::new());
            role.set(String::new());
            location.set(String::new());
            close();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(made)) = shop_action.value().get() {
            handout.set(Some(made));
            first_name.set(String::new());
            last_name.set(String::new());
            employee_number.set(String::new());
            role.set(String::new());
            location.set(String::new());
        }
    });
    // Switching to shop-floor mode keeps the shared fields, but not a role it may not grant.
    let kind = move || if shop_floor.get() { InviteKind::ShopFloor } else { InviteKind::Email };
    Effect::new(move |_| {
        let chosen = Role::parse(&role.get_untracked());
        if chosen.is_some_and(|r| !invitable_roles(kind()).contains(&r)) {
            role.set(String::new());
        }
    });
    let error = move || {
        if shop_floor.get() {
            shop_action.value().get().and_then(Result::err)
        } else {
            action.value().get().and_then(Result::err)
        }
    };
    let field_error = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let form_error = move || error().filter(|e| !matches!(e, AppError::Field { .. })).map(|e| e.to_string());

    view! {
        <button type="button" class="button-primary invite-button" node_ref=opener on:click=open>"Invite"</button>
        <dialog class="modal" node_ref=dialog aria-labelledby="invite-title" on:close=on_close>
            {move || handout.get().map(|made| view! { <HandoutView handout=made on_done=move || close()/> })}
            <form class="form" on:submit=submit novalidate hidden=move || handout.with(Option::is_some)>
                <header class="modal-header">
                    <h2 id="invite-title">"Invite"</h2>
                    <button type="button" class="button-quiet" aria-label="Close" on:click=move |_| close()>"×"</button>
                </header>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=move || shop_floor.get()
                        on:change=move |ev| shop_floor.set(event_target_checked(&ev))/>
                    "Shop-floor employee (no email)"
                </label>
                <p class="form-error" role="alert">{form_error}</p>
                <Show
                    when=move || !shop_floor.get()
                    fallback=move || view! {
                        <label for="invite-first-name">"First name"</label>
                        <input id="invite-first-name" required maxlength="100" autocomplete="off"
                            prop:value=move || first_name.get() on:input=move |ev| first_name.set(event_target_value(&ev))/>
                        <p class="field-error">{field_error("first_name")}</p>
                        <label for="invite-last-name">"Last name"</label>
                        <input id="invite-last-name" required maxlength="100" autocomplete="off"
                            prop:value=move || last_name.get() on:input=move |ev| last_name.set(event_target_value(&ev))/>
                        <p class="field-error">{field_error("last_name")}</p>
                        <label for="invite-employee-number">"Employee number"</label>
                        <input id="invite-employee-number" required maxlength="32" autocomplete="off"
                            prop:value=move || employee_number.get()
                            on:input=move |ev| employee_number.set(event_target_value(&ev))/>
                        <p class="field-error">{field_error("employee_number")}</p>
                    }
                >
                    <label for="invite-email">"Email"</label>
                    <input id="invite-email" type="email" required maxlength="254" autocomplete="off"
                        aria-describedby="invite-email-error"
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                    <p id="invite-email-error" class="field-error">{field_error("email")}</p>
                </Show>
                <label for="invite-role">"Role"</label>
                <select id="invite-role" required aria-describedby="invite-role-error"
                    prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="" disabled selected>"Choose a role"</option>
                    {invitable_roles(InviteKind::Email).iter().map(|&r| view! {
                        <option value=r.as_str() disabled=move || !invitable_roles(kind()).contains(&r)>{r.label()}</option>
                    }).collect_view()}
                </select>
                <p id="invite-role-error" class="field-error">{field_error("role")}</p>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match choices.await {
                            Ok(choices) => view! { <UnitFields choices department location field_error/> }.into_any(),
                            Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
                <div class="modal-actions">
                    <button type="button" class="button-secondary" on:click=move |_| close()>"Cancel"</button>
                    <button type="submit" class="button-primary"
                        disabled=move || action.pending().get() || shop_action.pending().get()>"Send invitation"</button>
                </div>
            </form>
        </dialog>
    }
}

/// Department (fixed for a Quality or HR Admin), location, and the invitations left this hour.
#[component]
fn UnitFields<F, G>(
    choices: InviteChoices,
    department: RwSignal<String>,
    location: RwSignal<String>,
    field_error: F,
) -> impl IntoView
where
    F: Fn(&'static str) -> G + Copy + Send + Sync + 'static,
    G: Fn() -> Option<String> + Send + Sync + 'static,
{
    let department_field = match choices.fixed_department {
        Some(own) => {
            department.set(own.id.to_string());
            view! {
                <p id="invite-department" class="fixed-value">{own.name.clone()}" (your department)"</p>
            }
            .into_any()
        }
        None => view! {
            <UnitSelect id="invite-department" none="No department" units=choices.departments value=department/>
        }
        .into_any(),
    };
    let left = choices.remaining_this_hour;
    view! {
        <label for="invite-department">"Department"</label>
        {department_field}
        <p id="invite-department-error" class="field-error">{field_error("department")}</p>
        <label for="invite-location">"Location"</label>
        <UnitSelect id="invite-location" none="No location" units=choices.locations value=location/>
        <p id="invite-location-error" class="field-error">{field_error("location")}</p>
        <p class="hint">{format!(
            "You can send {left} more invitation{} this hour (limit {}).",
            if left == 1 { "" } else { "s" },
            choices.hourly_limit
        )}</p>
    }
}

/// An optional department or location: `value` holds the chosen id, "" for none.
#[component]
fn UnitSelect(id: &'static str, none: &'static str, units: Vec<Unit>, value: RwSignal<String>) -> impl IntoView {
    view! {
        <select id=id aria-describedby=format!("{id}-error")
            prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="">{none}</option>
            {units.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name}</option> }).collect_view()}
        </select>
    }
}
