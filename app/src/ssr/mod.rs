//! Server-only parts: database entities and the models beside them, settings, the signed-in
//! user, tokens, and the background tasks every server instance runs.

pub mod checkpoint;
pub mod clock;
pub mod csp;
pub mod entities;
pub mod housekeeping;
pub mod limiter;
pub mod models;
pub mod pagination;
pub mod raw;
pub mod tcp_nodelay;
pub mod request;
pub mod settings;
pub mod supervise;
pub mod tokens;
pub mod transaction;

pub use clock::{Clock, ManualClock, SystemClock};
pub use request::{
    Actor, Viewer, ViewerRow, client_address, cookie_header, cookie_value, request_extension, require_actor, require_admin, respond, viewer_with_row,
    set_cookie, viewer,
};
pub use settings::Settings;
pub use transaction::begin_write;
