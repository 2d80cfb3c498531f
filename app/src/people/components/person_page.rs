use crate::audit::dto::AuditRow;
use crate::invitations::components::HandoutDialog;
use crate::people::api::{ChangeAssignment, PersonAction as Act, fetch_person};
use crate::people::dto::{PersonAction, PersonDetails, PersonStatus};
use crate::when::long as when;
use crate::layout::{ConfirmButton, errors_of};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/users/{id}`: one person, what they are, what happened to them, and what the signed-in
/// admin may do about it (only what the server allows is offered).
#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i32>().ok()).unwrap_or(0);
    let change = ServerAction::<ChangeAssignment>::new();
    let act = ServerAction::<Act>::new();
    let person = Resource::new(move || (id(), change.version().get(), act.version().get()), |(id, _, _)| fetch_person(id));
    // Whichever finished last says so.
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(done)) = act.value().get() {
            notice.set(Some(done.message));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            notice.set(Some("Saved.".to_owned()));
        }
    });
    let error = move || {
        [change.value().get().and_then(Result::err), act.value().get().and_then(Result::err)]
            .into_iter()
            .flatten()
            .next()
            .map(|e| e.to_string())
    };
    // A Reset PIN's new code, shown once.
    let handout = Signal::derive(move || act.value().get().and_then(Result::ok).and_then(|done| done.handout));
    view! {
            <p class="notice" role="status">{move || notice.get()}</p>
            <p class="form-error" role="alert">{error}</p>
            <HandoutDialog handout on_close=Callback::new(move |()| act.value().set(None))/>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match person.await {
                        Ok(p) => view! { <PersonView person=p change act/> }.into_any(),
                        Err(err) => view! {
                            <Title text="Not found · Onboard"/>
                            <p class="form-error" role="alert">{err.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
    }
}

#[component]
fn PersonView(person: PersonDetails, change: ServerAction<ChangeAssignment>, act: ServerAction<Act>) -> impl IntoView {
    let dash = || "—".to_string();
    let id = person.id;
    let status = match (person.status, person.locked_until) {
        (PersonStatus::Deactivated, _) => "Deactivated".to_owned(),
        (PersonStatus::Active, Some(until)) => format!("Locked until {} UTC", crate::when::clock(until)),
        (PersonStatus::Active, None) => "Active".to_owned(),
    };
    let identity = match (&person.email, &person.employee_number) {
        (Some(email), _) => view! { <dt>"Email"</dt><dd>{email.clone()}</dd> }.into_any(),
        (None, number) => view! {
            <dt>"Employee number"</dt>
            <dd>{number.clone().unwrap_or_else(dash)}" "<span class="badge">"Shop-floor"</span></dd>
        }.into_any(),
    };
    let actions = person.actions.clone();
    let offered: Vec<PersonAction> = [
        (actions.send_password_reset, PersonAction::SendPasswordReset),
        (actions.reset_pin, PersonAction::ResetPin),
        (actions.unlock, PersonAction::Unlock),
        (actions.deactivate, PersonAction::Deactivate),
        (actions.reactivate, PersonAction::Reactivate),
    ]
    .into_iter()
    .filter_map(|(allowed, action)| allowed.then_some(action))
    .collect();
    view! {
        <Title text=format!("{} · Users · Onboard", person.name)/>
        <h2 class="person-name">{person.name.clone()}</h2>
        <dl class="card details person-details">
            <dt>"Name"</dt><dd>{person.name.clone()}</dd>
            {identity}
            <dt>"Role"</dt><dd>{person.role.label()}</dd>
            <dt>"Department"</dt><dd>{person.department.clone().unwrap_or_else(dash)}</dd>
            <dt>"Location"</dt><dd>{person.location.clone().unwrap_or_else(dash)}</dd>
            <dt>"Status"</dt><dd class="person-status">{status}</dd>
            <dt>"Joined"</dt><dd>{when(person.joined)}</dd>
            <dt>"Invited by"</dt><dd>{person.invited_by.clone().unwrap_or_else(dash)}</dd>
            <dt>"Last sign-in"</dt><dd>{person.last_sign_in.map(when).unwrap_or_else(|| "Never".to_owned())}</dd>
        </dl>
        {actions.change_assignment.then(|| assignment_form(&person, change))}
        {access_buttons(id, person.name.clone(), offered, act)}
        {recent_activity(person.recent_events)}
    }
}

/// "Role and units": the change form, offering only what the server allows this admin.
fn assignment_form(person: &PersonDetails, change: ServerAction<ChangeAssignment>) -> impl IntoView + use<> {
    let errors = errors_of(change);
    let (id, version, own_page) = (person.id, person.version, person.actions.own_page);
    let choices = person.choices.clone();
    let (role, department, location) = (person.role, person.department_id, person.location_id);
    let fixed_department = department.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="assignment-title">
            <h2 id="assignment-title">"Role and units"</h2>
            <ActionForm action=change attr:class="form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <label for="person-role">"Role"</label>
                <select id="person-role" name="role" disabled=own_page>
                    {choices.roles.iter().map(|r| view! {
                        <option value=r.as_str() selected=*r == role>{r.label()}</option>
                    }).collect_view()}
                </select>
                {own_page.then(|| view! {
                    <input type="hidden" name="role" value=role.as_str()/>
                    <p class="hint">"You cannot change your own role or department."</p>
                })}
                <p class="field-error">{errors.field("role")}</p>
                {if choices.departments.is_empty() {
                    view! { <input type="hidden" name="department" value=fixed_department/> }.into_any()
                } else {
                    view! {
                        <label for="person-department">"Department"</label>
                        <select id="person-department" name="department">
                            <option value="">"No department"</option>
                            {choices.departments.iter().map(|d| view! {
                                <option value=d.id.to_string() selected=Some(d.id) == department>{d.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    }.into_any()
                }}
                <p class="field-error">{errors.field("department")}</p>
                <label for="person-location">"Location"</label>
                <select id="person-location" name="location">
                    <option value="">"No location"</option>
                    {choices.locations.iter().map(|l| view! {
                        <option value=l.id.to_string() selected=Some(l.id) == location>{l.name.clone()}</option>
                    }).collect_view()}
                </select>
                <p class="field-error">{errors.field("location")}</p>
                <button type="submit" class="button-primary">"Save changes"</button>
            </ActionForm>
        </section>
    }
}

/// The Access buttons the server offers for this person.
/// Those that cannot be undone ask first.
fn access_buttons(id: i32, name: String, offered: Vec<PersonAction>, act: ServerAction<Act>) -> impl IntoView {
    view! {
        <section class="card person-access" aria-labelledby="access-title">
            <h2 id="access-title">"Access"</h2>
            <div class="button-row">
                {offered.into_iter().map(|action| match action.confirmation(&name) {
                    Some((question, consequence)) => view! {
                        <ConfirmButton label=action.label() class="button-danger" question consequence confirm=action.label()
                            on_confirm=move || { act.dispatch(Act { id, action }); }/>
                    }.into_any(),
                    None => view! {
                        <ActionForm action=act>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <input type="hidden" name="action" value=action.as_str()/>
                            <button type="submit" class="button-secondary">{action.label()}</button>
                        </ActionForm>
                    }.into_any(),
                }).collect_view()}
            </div>
        </section>
    }
}

/// The latest audit events about this person.
fn recent_activity(events: Vec<AuditRow>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="activity-title">
            <h2 id="activity-title">"Recent activity"</h2>
            {if events.is_empty() {
                view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table class="data-table person-events">
                            <thead><tr><th scope="col">"Time"</th><th scope="col">"Event"</th><th scope="col">"By"</th><th scope="col">"Details"</th></tr></thead>
                            <tbody>{events.into_iter().map(|e| view! { <EventRow event=e/> }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn EventRow(event: AuditRow) -> impl IntoView {
    view! {
        <tr>
            <td>{when(event.occurred_at)}</td>
            <td>{event.event}</td>
            <td>{event.actor.unwrap_or_else(|| "—".to_owned())}</td>
            <td>{event.details.into_iter().map(|(label, value)| format!("{label}: {value}")).collect::<Vec<_>>().join(" · ")}</td>
        </tr>
    }
}
