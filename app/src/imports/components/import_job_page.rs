use super::HandoutSheet;
use crate::imports::api::{CancelImport, PrintHandouts, fetch_import_progress, import_rows};
use crate::domain::IdentityKind;
use crate::layout::ConfirmButton;
use crate::imports::dto::{ImportProgress, ImportState};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// How often a running import's page asks for its progress.
const POLL: std::time::Duration = std::time::Duration::from_millis(1500);

/// `/users/imports/{id}`: an import's progress, updating by itself while it runs, its rows, the
/// result file, Cancel, and the handout sheet for its shop-floor workers.
#[component]
pub fn ImportJobPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i32>().ok()).unwrap_or(0);
    let after = move || query.read().get("after").and_then(|a| a.parse::<i32>().ok()).unwrap_or(0);
    let cancel = ServerAction::<CancelImport>::new();
    let print = ServerAction::<PrintHandouts>::new();
    let tick = RwSignal::new(0u32);
    let progress = Resource::new(move || (id(), tick.get(), cancel.version().get(), print.version().get()), |(id, ..)| fetch_import_progress(id));
    // The rows are read again only when the import has moved on.
    let moved = Memo::new(move |_| {
        progress.get().and_then(Result::ok).map(|p| (p.counts.sent, p.counts.failed, p.counts.cancelled, p.handouts_ready))
    });
    let rows = Resource::new(move || (id(), after(), moved.get()), |(id, after, _)| import_rows(id, after));
    let running = Memo::new(move |_| progress.get().and_then(Result::ok).is_some_and(|p| !p.state.is_over()));
    Effect::new(move |_| {
        if running.get()
            && let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), POLL)
        {
            on_cleanup(move || handle.clear());
        }
    });
    let error = move || {
        let failed = cancel.value().get().and_then(Result::err).or_else(|| print.value().get().and_then(Result::err));
        failed.map(|e| e.to_string())
    };
    let sheet = move || print.value().get().and_then(Result::ok);
    view! {
        <Title text="Import · Onboard"/>
        <p class="form-error" role="alert">{error}</p>
        {move || sheet().map(|cards| view! {
            // Done reads the counts again: workers may have set up while the sheet was out.
            <HandoutSheet cards on_done=move || { print.value().set(None); tick.update(|t| *t += 1); }/>
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match progress.await {
                    Ok(p) => view! { <ProgressView progress=p cancel print/> }.into_any(),
                    Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok((rows, next)) = rows.await else { return ().into_any() };
                let id = id();
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table class="data-table import-rows">
                            <thead><tr><th>"Row"</th><th>"Email or employee number"</th><th>"Outcome"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! {
                                    <tr>
                                        <td>{row.number}</td>
                                        <td>{row.identifier}{row.known_by.is_some_and(IdentityKind::is_shop_floor).then(|| view! { " "<span class="badge">"Shop-floor"</span> })}</td>
                                        <td>{row.outcome}{row.reason.map(|r| view! { <br/><span class="reason">{r}</span> })}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <nav class="pager" aria-label="Rows">
                        {(after() > 0).then(|| view! { <a href=format!("/users/imports/{id}")>"First rows"</a> })}
                        {next.map(|n| view! { <a href=format!("/users/imports/{id}?after={n}")>"Next rows"</a> })}
                    </nav>
                }.into_any()
            })}
        </Transition>
    }
}

#[component]
fn ProgressView(progress: ImportProgress, cancel: ServerAction<CancelImport>, print: ServerAction<PrintHandouts>) -> impl IntoView {
    let id = progress.id;
    let counts = progress.counts.clone();
    let done = counts.sent + counts.failed + counts.cancelled;
    let state = match &progress.state {
        ImportState::Waiting { at, count } => {
            format!("Waiting for the hourly limit: the next {count} go at {} UTC.", crate::when::clock(*at))
        }
        other => other.label().to_owned(),
    };
    let ready = progress.handouts_ready;
    view! {
        <section class="card import-progress" aria-labelledby="import-title">
            <h2 id="import-title">{progress.file_name.clone()}</h2>
            <p class="hint">{format!("Started by {} on {}.", progress.started_by, crate::when::long(progress.started_at))}</p>
            <p class="import-state" role="status">{state}</p>
            <progress max=counts.to_send.max(1).to_string() value=done.to_string() aria-label="Import progress">{format!("{}%", counts.percent_done())}</progress>
            <p>{format!("{done} of {} rows done ({}%).", counts.to_send, counts.percent_done())}</p>
            <dl class="details import-counts">
                <dt>"Sent"</dt><dd data-count="sent">{counts.sent}</dd>
                <dt>"Waiting"</dt><dd data-count="waiting">{counts.waiting}</dd>
                <dt>"Failed"</dt><dd data-count="failed">{counts.failed}</dd>
                <dt>"Cancelled"</dt><dd data-count="cancelled">{counts.cancelled}</dd>
                <dt>"Not imported"</dt><dd data-count="skipped">{counts.skipped}</dd>
            </dl>
            <div class="button-row">
                <a class="button-secondary" href=format!("/users/imports/{id}/result.csv") download="">"Download the result (CSV)"</a>
                {(ready > 0).then(|| view! {
                    <button type="button" class="button-secondary" disabled=move || print.pending().get()
                        on:click=move |_| { print.dispatch(PrintHandouts { id }); }>
                        {format!("Print handouts ({ready} ready)")}
                    </button>
                })}
                {progress.can_cancel.then(|| view! {
                    <ConfirmButton label="Cancel the rest" class="button-danger" question="Cancel the rest of this import?"
                        consequence="Rows not sent yet will not be sent."
                        confirm="Cancel the rest" on_confirm=move || { cancel.dispatch(CancelImport { id }); }/>
                })}
            </div>
            <p class="hint">"Printing makes new setup codes for the shop-floor employees who have not set up \
                yet; codes printed before stop working."</p>
        </section>
    }
}
