//! Server-only parts: database entities, shared state, the signed-in user, tokens.

pub mod checkpoint;
pub mod clock;
pub mod entities;
pub mod housekeeping;
pub mod pagination;
pub mod raw;
pub mod request;
pub mod scope;
pub mod state;
pub mod tokens;
pub mod transaction;

pub use clock::{Clock, ManualClock, SystemClock};
pub use scope::Scope;
pub use request::{
    Actor, Viewer, app_state, client_address, cookie_header, cookie_value, require_actor, require_admin, respond, set_cookie, viewer,
};
pub use state::{AppState, Settings};
pub use transaction::begin_write;
