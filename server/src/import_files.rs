//! The import files an admin downloads: `/users/import/template.csv` (the columns, with this
//! organisation's names) and `/users/imports/{id}/result.csv` (what became of each row). Same
//! access as the import pages: admins only, and a result only to whoever may see the import.

use app::error::AppError;
use app::ssr::Viewer;
use app::state::AppState;
use axum::extract::{Extension, Path};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::{HeaderValue, StatusCode, header};

pub fn routes() -> Router {
    Router::new()
        .route("/users/import/template.csv", get(template))
        .route("/users/imports/{id}/result.csv", get(result))
}

fn admin(viewer: &Viewer) -> Result<app::ssr::Actor, AppError> {
    let actor = viewer.0.clone().ok_or(AppError::Unauthenticated)?;
    if actor.role.is_admin() { Ok(actor) } else { Err(AppError::Forbidden) }
}

fn download(file_name: &str, csv: String) -> Response {
    // The name is ours (the import's file name, made safe); quotes and non-ASCII are dropped.
    let safe: String = file_name.chars().filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\').collect();
    let disposition = format!("attachment; filename=\"{safe}\"");
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn refusal(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::UNAUTHORIZED {
        return (StatusCode::SEE_OTHER, [(header::LOCATION, "/sign-in")]).into_response();
    }
    (status, err.to_string()).into_response()
}

async fn template(Extension(state): Extension<AppState>, Extension(viewer): Extension<Viewer>) -> Response {
    let answer = async {
        let actor = admin(&viewer)?;
        app::imports::service::template_csv(&state.db, &actor).await
    };
    match answer.await {
        // A byte-order mark, so Excel reads the accents as UTF-8.
        Ok(csv) => download("onboard-import-template.csv", format!("\u{feff}{csv}")),
        Err(err) => refusal(err),
    }
}

async fn result(Extension(state): Extension<AppState>, Extension(viewer): Extension<Viewer>, Path(id): Path<i32>) -> Response {
    let answer = async {
        let actor = admin(&viewer)?;
        app::imports::service::result_csv(&state.db, &actor, id, state.clock.now()).await
    };
    match answer.await {
        Ok((name, csv)) => download(&name, format!("\u{feff}{csv}")),
        Err(err) => refusal(err),
    }
}
