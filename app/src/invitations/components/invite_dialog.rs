use super::HandoutView;
use crate::domain::{IdentityKind, Role};
use crate::invitations::api::{InviteShopFloor, SendInvitation, invite_options};
use crate::invitations::dto::InviteChoices;
use crate::organisation::dto::Unit;
use crate::policy::invitable_roles;
use crate::layout::{FormErrors, Modal};
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

/// What the admin has typed into the dialog, kept across both modes while it is open.
#[derive(Clone, Copy)]
struct Draft {
    known_by: RwSignal<IdentityKind>,
    email: RwSignal<String>,
    first_name: RwSignal<String>,
    last_name: RwSignal<String>,
    employee_number: RwSignal<String>,
    role: RwSignal<String>,
    department: RwSignal<String>,
    location: RwSignal<String>,
}

impl Draft {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Draft {
            known_by: RwSignal::new(IdentityKind::Email),
            email: text(),
            first_name: text(),
            last_name: text(),
            employee_number: text(),
            role: text(),
            department: text(),
            location: text(),
        }
    }

    fn is_shop_floor(self) -> bool {
        self.known_by.get().is_shop_floor()
    }

    /// Sends the draft with the action of its mode.
    fn send(self, action: ServerAction<SendInvitation>, shop_action: ServerAction<InviteShopFloor>) {
        let (role, department, location) = (self.role.get_untracked(), self.department.get_untracked(), self.location.get_untracked());
        if self.known_by.get_untracked().is_shop_floor() {
            shop_action.dispatch(InviteShopFloor {
                first_name: self.first_name.get_untracked(),
                last_name: self.last_name.get_untracked(),
                employee_number: self.employee_number.get_untracked(),
                role,
                department,
                location,
            });
        } else {
            action.dispatch(SendInvitation { email: self.email.get_untracked(), role, department, location });
        }
    }

    /// Empties what was just sent in mode `sent`; the department stays for the next invitation.
    fn clear_sent(self, sent: IdentityKind) {
        let person = match sent {
            IdentityKind::Email => vec![self.email],
            IdentityKind::EmployeeNumber => vec![self.first_name, self.last_name, self.employee_number],
        };
        for field in person.into_iter().chain([self.role, self.location]) {
            field.set(String::new());
        }
    }
}

/// The "Invite" button and its modal dialog: email mode by default, with the
/// "Shop-floor employee (no email)" toggle. The form offers only what this admin may do; the
/// server checks everything again.
#[component]
pub fn InviteDialog() -> impl IntoView {
    let action = expect_context::<InviteAction>().0;
    let shop_action = expect_context::<ShopFloorAction>().0;
    let modal = Modal::new();
    let draft = Draft::new();
    // Refetched after every send so the remaining count stays true.
    let choices = Resource::new(move || (action.version().get(), shop_action.version().get()), |_| invite_options());
    // Shown once, right after it is made; gone when the dialog closes.
    let handout = RwSignal::new(None);

    let open = move |_| {
        draft.known_by.set(IdentityKind::Email);
        modal.open();
    };
    let close = move || modal.close();
    // Native dialogs close on Escape; either way focus goes back to the Invite button.
    let on_close = move |_| {
        handout.set(None);
        modal.return_focus();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        draft.send(action, shop_action);
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            draft.clear_sent(IdentityKind::Email);
            close();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(made)) = shop_action.value().get() {
            handout.set(Some(made));
            draft.clear_sent(IdentityKind::EmployeeNumber);
        }
    });
    let errors = FormErrors::new(move || {
        if draft.is_shop_floor() {
            shop_action.value().get().and_then(Result::err)
        } else {
            action.value().get().and_then(Result::err)
        }
    });

    view! {
        <button type="button" class="button-primary invite-button" node_ref=modal.opener() on:click=open>"Invite"</button>
        <dialog class="modal" node_ref=modal.dialog() aria-labelledby="invite-title" on:close=on_close>
            {move || handout.get().map(|made| view! { <HandoutView handout=made on_done=move || close()/> })}
            <form class="form" on:submit=submit novalidate hidden=move || handout.with(Option::is_some)>
                <header class="modal-header">
                    <h2 id="invite-title">"Invite"</h2>
                    <button type="button" class="button-quiet" aria-label="Close" on:click=move |_| close()>"×"</button>
                </header>
                <label class="switch">
                    <input type="checkbox" role="switch" prop:checked=move || draft.is_shop_floor()
                        on:change=move |ev| draft.known_by.set(if event_target_checked(&ev) { IdentityKind::EmployeeNumber } else { IdentityKind::Email })/>
                    "Shop-floor employee (no email)"
                </label>
                <p class="form-error" role="alert">{errors.form()}</p>
                {identity_fields(draft, errors)}
                {role_field(draft, errors)}
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match choices.await {
                            Ok(choices) => view! { <UnitFields choices department=draft.department location=draft.location errors/> }.into_any(),
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

/// Who is invited: an email address, or a shop-floor worker's names and employee number.
fn identity_fields(draft: Draft, errors: FormErrors) -> impl IntoView {
    let Draft { email, first_name, last_name, employee_number, .. } = draft;
    view! {
        <Show
            when=move || !draft.is_shop_floor()
            fallback=move || view! {
                <label for="invite-first-name">"First name"</label>
                <input id="invite-first-name" required maxlength="100" autocomplete="off"
                    prop:value=move || first_name.get() on:input=move |ev| first_name.set(event_target_value(&ev))/>
                <p class="field-error">{errors.field("first_name")}</p>
                <label for="invite-last-name">"Last name"</label>
                <input id="invite-last-name" required maxlength="100" autocomplete="off"
                    prop:value=move || last_name.get() on:input=move |ev| last_name.set(event_target_value(&ev))/>
                <p class="field-error">{errors.field("last_name")}</p>
                <label for="invite-employee-number">"Employee number"</label>
                <input id="invite-employee-number" required maxlength="32" autocomplete="off"
                    prop:value=move || employee_number.get()
                    on:input=move |ev| employee_number.set(event_target_value(&ev))/>
                <p class="field-error">{errors.field("employee_number")}</p>
            }
        >
            <label for="invite-email">"Email"</label>
            <input id="invite-email" type="email" required maxlength="254" autocomplete="off" autofocus
                aria-describedby="invite-email-error"
                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
            <p id="invite-email-error" class="field-error">{errors.field("email")}</p>
        </Show>
    }
}

/// The role dropdown: every role an invitation may grant, those the mode may not greyed out.
fn role_field(draft: Draft, errors: FormErrors) -> impl IntoView {
    let Draft { known_by, role, .. } = draft;
    // Switching to shop-floor mode keeps the shared fields, but not a role it may not grant.
    Effect::new(move |_| {
        let chosen = Role::parse(&role.get_untracked());
        if chosen.is_some_and(|r| !invitable_roles(known_by.get()).contains(&r)) {
            role.set(String::new());
        }
    });
    view! {
        <label for="invite-role">"Role"</label>
        <select id="invite-role" required aria-describedby="invite-role-error"
            prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
            <option value="" disabled selected>"Choose a role"</option>
            {invitable_roles(IdentityKind::Email).iter().map(|&r| view! {
                <option value=r.as_str() disabled=move || !invitable_roles(known_by.get()).contains(&r)>{r.label()}</option>
            }).collect_view()}
        </select>
        <p id="invite-role-error" class="field-error">{errors.field("role")}</p>
    }
}

/// Department (fixed for a Quality or HR Admin), location, and the invitations left this hour.
#[component]
fn UnitFields(choices: InviteChoices, department: RwSignal<String>, location: RwSignal<String>, errors: FormErrors) -> impl IntoView {
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
        <p id="invite-department-error" class="field-error">{errors.field("department")}</p>
        <label for="invite-location">"Location"</label>
        <UnitSelect id="invite-location" none="No location" units=choices.locations value=location/>
        <p id="invite-location-error" class="field-error">{errors.field("location")}</p>
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
