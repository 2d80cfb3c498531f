use crate::domain::language::LANGUAGES;
use crate::domain::person_name::PersonName;
use crate::layout::FormErrors;
use leptos::prelude::*;

/// The profile part of the sign-up forms (invitation and shop-floor setup): first and last
/// name, job title, phone and preferred language, each with its error from `errors`.
/// `prefix` keeps the ids of each page's fields apart.
#[component]
pub fn ProfileFields(prefix: &'static str, errors: FormErrors) -> impl IntoView {
    let id = move |field: &str| format!("{prefix}-{field}");
    let name_max = PersonName::MAX_CHARS.to_string();
    view! {
        <label for=id("first-name")>"First name"</label>
        <input id=id("first-name") name="first_name" required maxlength=name_max.clone() autocomplete="given-name"/>
        <p class="field-error">{errors.field("first_name")}</p>
        <label for=id("last-name")>"Last name"</label>
        <input id=id("last-name") name="last_name" required maxlength=name_max autocomplete="family-name"/>
        <p class="field-error">{errors.field("last_name")}</p>
        <label for=id("job-title")>"Job title (optional)"</label>
        <input id=id("job-title") name="job_title" maxlength="120" autocomplete="organization-title"/>
        <p class="field-error">{errors.field("job_title")}</p>
        <label for=id("phone")>"Phone (optional)"</label>
        <input id=id("phone") name="phone" type="tel" maxlength="32" autocomplete="tel"/>
        <p class="field-error">{errors.field("phone")}</p>
        <label for=id("language")>"Preferred language"</label>
        <select id=id("language") name="language">
            {LANGUAGES.into_iter().map(|(code, name)| view! {
                <option value=code selected=code == "en">{name}</option>
            }).collect_view()}
        </select>
        <p class="field-error">{errors.field("language")}</p>
    }
}
