//! Accepting an invitation: every rule checked here, over any sea-orm connection.

mod complete;
mod link;
mod profile;
mod setup;

pub use complete::accept;
pub use link::{
    INVITATION_COOKIE, SETUP_COOKIE, invitation_clear_cookie, invitation_cookie, invitation_set_cookie, looks_like_token,
    open_invitation, setup_cookie, setup_set_cookie,
};
pub use profile::Profile;
pub use setup::{MAX_WRONG_CODES, MAX_WRONG_CODES_PER_CLIENT, complete_setup};
