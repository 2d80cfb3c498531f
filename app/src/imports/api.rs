//! Server functions of the import pages: thin adapters over the service. The template and
//! result files are plain downloads served by the server (`/users/import/template.csv`,
//! `/users/imports/{id}/result.csv`).

use super::dto::{HandoutCard, ImportPreview, ImportProgress, ImportRowView, ImportSummary};
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

/// What importing the uploaded file (field `file`) would do; writes nothing.
#[server(endpoint = "preview_import", input = MultipartFormData, output = crate::wire::Json)]
pub async fn preview_import(data: MultipartData) -> Result<ImportPreview, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let (upload, _) = super::service::read_upload(data).await?;
        super::service::preview(&state.db, &actor, &state.settings, state.clock.now(), &upload).await
    }.await)
}

/// Starts importing the uploaded file (field `file`), previewed with field `digest`; answers
/// the import's id.
#[server(endpoint = "start_import", input = MultipartFormData, output = crate::wire::Json)]
pub async fn start_import(data: MultipartData) -> Result<i32, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let (upload, digest) = super::service::read_upload(data).await?;
        super::service::start(&state.db, &actor, state.clock.now(), &upload, &digest).await
    }.await)
}

/// An import's state and counts.
#[server(endpoint = "import_progress", output = crate::wire::Json)]
pub async fn fetch_import_progress(id: i32) -> Result<ImportProgress, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::progress(&state.db, &actor, &state.settings, id, state.clock.now()).await
    }.await)
}

/// A page of an import's rows after row number `after`, and where the next page starts.
#[server(endpoint = "import_rows", output = crate::wire::Json)]
pub async fn import_rows(id: i32, #[server(default)] after: i32) -> Result<(Vec<ImportRowView>, Option<i32>), AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::rows(&state.db, &actor, id, after).await
    }.await)
}

/// Cancels the rows of an import that have not gone yet.
#[server(endpoint = "cancel_import", output = crate::wire::Json)]
pub async fn cancel_import(id: i32) -> Result<(), AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::cancel(&state.db, &actor, id, state.clock.now()).await
    }.await)
}

/// Makes new setup codes for an import's shop-floor workers and answers the sheet's cards.
#[server(endpoint = "print_handouts", output = crate::wire::Json)]
pub async fn print_handouts(id: i32) -> Result<Vec<HandoutCard>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::print_handouts(&state.db, &actor, &state.settings, state.clock.now(), id).await
    }.await)
}

/// Users → Imports, newest first.
#[server(endpoint = "list_imports", output = crate::wire::Json)]
pub async fn list_imports(
    #[server(default)] after: Option<i32>,
    #[server(default)] before: Option<i32>,
) -> Result<Page<ImportSummary>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::list_imports(&state.db, &actor, crate::dto::PageAt::from_params(after, before)).await
    }.await)
}
