use super::dto::{UserFilter, UserFilterChoices, UserRow};
use crate::dto::Page;
use crate::error::AppError;
use leptos::prelude::*;

/// People the signed-in admin may see, matching `filter`, one page at a time.
#[server(endpoint = "list_users", output = crate::wire::Json)]
pub async fn list_users(
    #[server(default)] after: Option<i32>,
    #[server(default)] before: Option<i32>,
    #[server(default)] filter: UserFilter,
) -> Result<Page<UserRow>, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        let at = crate::dto::PageAt::from_params(after, before);
        super::service::list_users(&state.db, &actor, state.clock.now(), &filter, at).await
    }.await)
}

/// What the Users tab's filters offer the signed-in admin.
#[server(endpoint = "user_filter_choices", output = crate::wire::Json)]
pub async fn filter_options() -> Result<UserFilterChoices, AppError> {
    use crate::ssr::{require_admin, respond};
    use crate::state::app_state;
    respond(async {
        let state = app_state()?;
        let actor = require_admin()?;
        super::service::filter_choices(&state.db, &actor).await
    }.await)
}
