use crate::imports::api::{preview_import, start_import};
use crate::imports::dto::{ImportPreview, PreviewPage, PreviewRow, RowOutcome};
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use web_sys::FormData;

/// The preview as a link the browser downloads. A preview exists only after an upload in the
/// browser, so the server never draws this link.
fn csv_href(csv: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        format!("data:text/csv;charset=utf-8,{}", String::from(js_sys::encode_uri_component(csv)))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = csv;
        String::new()
    }
}

/// `/users/import`: what the columns mean, the template, the upload, and its preview; then
/// "Start the import".
#[component]
pub fn ImportPage() -> impl IntoView {
    let form = NodeRef::<Form>::new();
    let preview = Action::new_local(|data: &FormData| preview_import(data.clone().into()));
    let start = Action::new_local(|data: &FormData| start_import(data.clone().into()));
    let form_data = move || form.get().and_then(|f| FormData::new_with_form(&f).ok());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        start.value().set(None);
        if let Some(data) = form_data() {
            preview.dispatch_local(data);
        }
    };
    let start_import = move |digest: String| {
        if let Some(data) = form_data()
            && data.append_with_str("digest", &digest).is_ok()
        {
            start.dispatch_local(data);
        }
    };
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = start.value().get() {
            navigate(&format!("/users/imports/{id}"), Default::default());
        }
    });
    let error = move || {
        let failed = start.value().get().and_then(Result::err).or_else(|| preview.value().get().and_then(Result::err));
        failed.map(|e| e.to_string())
    };
    view! {
        <Title text="Import · Onboard"/>
        <h2>"Import people from a spreadsheet"</h2>
        <p class="lead">"Upload a CSV or Excel (.xlsx) file with one person per row. The first row names the \
            columns, in any order: email, first_name, last_name, employee_number, role, department, location."</p>
        <ul class="lead">
            <li>"A row with an email address gets an invitation by email; first and last name are optional."</li>
            <li>"A row with no email but an employee number, first name and last name is a shop-floor employee \
                (no email): they get a setup code on a printed handout."</li>
            <li>"Role is Quality Admin, HR Admin, Team Lead or Employee (Employee when empty); shop-floor \
                employees are Team Leads or Employees. Departments and locations are named as in Organisation."</li>
            <li>"Up to 5,000 rows and 5 MB. Nothing is sent until you start the import, and every invitation \
                counts toward your hourly limit, as in the Invite dialog."</li>
        </ul>
        <p><a href="/users/import/template.csv" download="onboard-import-template.csv">"Download the template (CSV)"</a></p>
        // No browser check: the server says what is missing, in the same place as every other error.
        <form node_ref=form class="form import-form" novalidate on:submit=on_submit>
            <label for="import-file">"Spreadsheet file"</label>
            <input id="import-file" name="file" type="file" required
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                on:change=move |_| { preview.value().set(None); start.value().set(None); }/>
            <div class="button-row">
                <button type="submit" class="button-primary" disabled=move || preview.pending().get()>
                    {move || if preview.pending().get() { "Checking…" } else { "Preview" }}
                </button>
            </div>
        </form>
        <p class="form-error" role="alert">{error}</p>
        {move || preview.value().get().and_then(Result::ok).map(|p| view! {
            <PreviewView preview=p starting=start.pending() on_start=start_import/>
        })}
    }
}

#[component]
fn PreviewView(
    preview: ImportPreview,
    starting: Memo<bool>,
    on_start: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let to_send = preview.to_send();
    let not_imported = preview.rows.len() as u32 - to_send;
    let problems_only = RwSignal::new(false);
    let rows = StoredValue::new(preview.rows.clone());
    // The rows the filter keeps, by index, and the page of them on show.
    let kept = Memo::new(move |_| {
        let only = problems_only.get();
        rows.with_value(|rows| (0..rows.len()).filter(|&i| !only || !rows[i].outcome.will_send()).collect::<Vec<_>>())
    });
    let page = RwSignal::new(0_usize);
    let current = move || PreviewPage::at(kept.with(Vec::len), page.get());
    let digest = preview.digest.clone();
    let later = to_send.saturating_sub(preview.remaining_this_hour);
    let pace = if later > 0 {
        format!(
            "You have {} of {} invitations left this hour: the first {} go at once, the other {} as the hourly \
             limit frees, without you.",
            preview.remaining_this_hour, preview.hourly_limit, preview.remaining_this_hour, later
        )
    } else if to_send == 0 {
        "No row can be imported: nothing would be sent.".to_owned()
    } else {
        format!("All {to_send} go at once: you have {} of {} invitations left this hour.", preview.remaining_this_hour, preview.hourly_limit)
    };
    let unknown = (!preview.unknown_columns.is_empty()).then(|| {
        view! {
            <p class="warning" role="status">{format!(
                "These columns are not import columns and will not be used: {}.",
                preview.unknown_columns.join(", ")
            )}</p>
        }
    });
    view! {
        <section class="card import-preview" aria-labelledby="preview-title">
            <h3 id="preview-title">{format!("Preview of {}", preview.file_name)}</h3>
            <p class="hint">"Nothing has been sent or saved yet."</p>
            {unknown}
            <ul class="totals">
                {preview.totals.iter().filter(|(_, n)| *n > 0).map(|(outcome, n)| view! {
                    <li class=outcome_class(*outcome)>{outcome.label()}": "<strong>{*n}</strong></li>
                }).collect_view()}
            </ul>
            <p class="hint">{pace}</p>
            <div class="button-row">
                <button type="button" class="button-primary" disabled=move || starting.get() || to_send == 0
                    on:click=move |_| on_start(digest.clone())>
                    {format!("Start the import ({to_send} rows)")}
                </button>
                <a class="button-secondary" href=csv_href(&preview.csv) download="import-preview.csv">"Download the preview (CSV)"</a>
            </div>
            <label class="switch">
                <input type="checkbox" prop:checked=move || problems_only.get()
                    on:change=move |ev| { problems_only.set(event_target_checked(&ev)); page.set(0); }/>
                {format!("Show only the {not_imported} rows that will not be imported")}
            </label>
            <div class="table-scroll" tabindex="0">
                <table class="data-table import-rows">
                    <thead><tr><th>"Row"</th><th>"Email or employee number"</th><th>"Name"</th><th>"Outcome"</th></tr></thead>
                    <tbody>
                        {move || {
                            let shown = current().rows;
                            rows.with_value(|rows| kept.with(|kept| {
                                kept[shown].iter().map(|&i| view! { <PreviewRowView row=rows[i].clone()/> }).collect_view()
                            }))
                        }}
                    </tbody>
                </table>
            </div>
            <nav class="pager" aria-label="Preview pages">
                <button type="button" class="button-secondary" disabled=move || !current().has_previous()
                    on:click=move |_| page.set(0)>"First"</button>
                <button type="button" class="button-secondary" disabled=move || !current().has_previous()
                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"Previous"</button>
                <span aria-live="polite">{move || current().label()}</span>
                <button type="button" class="button-secondary" disabled=move || !current().has_next()
                    on:click=move |_| page.update(|p| *p += 1)>"Next"</button>
            </nav>
        </section>
    }
}

fn outcome_class(outcome: RowOutcome) -> &'static str {
    if outcome.will_send() { "outcome-ok" } else { "outcome-problem" }
}

#[component]
fn PreviewRowView(row: PreviewRow) -> impl IntoView {
    view! {
        <tr class=outcome_class(row.outcome)>
            <td>{row.number}</td>
            <td>{row.identifier}</td>
            <td>{row.name}</td>
            <td>
                {row.outcome.label()}
                {row.reason.map(|r| view! { <br/><span class="reason">{r}</span> })}
            </td>
        </tr>
    }
}
