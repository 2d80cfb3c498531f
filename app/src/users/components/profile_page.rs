use crate::auth::CurrentUser;
use crate::auth::api::get_current_user;
use crate::domain::language::language_name;
use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in person's own details; where Team Leads and Employees land. They are read here,
/// not taken from the frame, which knows only the name and role.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_current_user());
    view! {
        <Title text="My profile · Onboard"/>
        <header class="page-header"><h1>"My profile"</h1></header>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <ProfileDetails me/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProfileDetails(me: CurrentUser) -> impl IntoView {
    let dash = || "—".to_string();
    view! {
        <dl class="card details">
            <dt>"Name"</dt><dd>{me.name.clone()}</dd>
            <dt>"Email"</dt><dd>{me.email.clone().unwrap_or_else(dash)}</dd>
            <dt>"Role"</dt><dd>{me.role.label()}</dd>
            <dt>"Department"</dt><dd>{me.department.clone().unwrap_or_else(dash)}</dd>
            <dt>"Location"</dt><dd>{me.location.clone().unwrap_or_else(dash)}</dd>
            <dt>"Job title"</dt><dd>{me.job_title.clone().unwrap_or_else(dash)}</dd>
            <dt>"Phone"</dt><dd>{me.phone.clone().unwrap_or_else(dash)}</dd>
            <dt>"Preferred language"</dt>
            <dd>{me.preferred_language.as_deref().and_then(language_name).map(str::to_owned).unwrap_or_else(dash)}</dd>
        </dl>
    }
}
