use crate::domain::Role;
use crate::error::AppError;
use crate::invitations::api::{SendInvitation, invite_options};
use crate::invitations::dto::InviteChoices;
use crate::organisation::dto::Unit;
use crate::users::components::InviteAction;
use leptos::html::{Button, Dialog};
use leptos::prelude::*;

/// The "Invite" button and its modal dialog: email mode by default, with the
/// "Shop-floor employee (no email)" toggle. The form offers only what this admin may do; the
/// server checks everything again.
#[component]
pub fn InviteDialog() -> impl IntoView {
    let action = expect_context::<InviteAction>().0;
    let dialog = NodeRef::<Dialog>::new();
    let opener = NodeRef::<Button>::new();
    let shop_floor = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let department = RwSignal::new(String::new());
    let location = RwSignal::new(String::new());
    // Refetched after every send so the remaining count stays true.
    let choices = Resource::new(move || action.version().get(), |_| invite_options());

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
        if let Some(b) = opener.get() {
            let _ = b.focus();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
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
    let error = move || action.value().get().and_then(Result::err);
    let field_error = move |name: &'static str| move || error().and_then(|e| e.for_field(name));
    let form_error = move || error().filter(|e| !matches!(e, AppError::Field { .. })).map(|e| e.to_string());

    view! {
        <button type="button" class="button-primary invite-button" node_ref=opener on:click=open>"Invite"</button>
        <dialog class="modal" node_ref=dialog aria-labelledby="invite-title" on:close=on_close>
            <form class="form" on:submit=submit novalidate>
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
                    fallback=|| view! {
                        <p class="notice">"Accounts for shop-floor employees without email are not available yet. \
                            Turn the toggle off to invite someone by email."</p>
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
                    {Role::INVITABLE.into_iter().map(|r| view! {
                        <option value=r.as_str() disabled=move || shop_floor.get() && r.is_admin()>{r.label()}</option>
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
                        disabled=move || action.pending().get() || shop_floor.get()>"Send invitation"</button>
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
