//! The invitation rules, over any sea-orm connection and an explicit acting admin.

mod actions;
mod batch;
mod invite;
mod listing;
mod options;
mod rate_limit;
mod shop_floor;
mod writer;

pub use actions::{resend, revoke};
pub use batch::{PreparedInvite, prepare_email_invite, write_email_invites};
pub use invite::{EmailInvite, invite_by_email};
pub use listing::{list_invitations, status_at};
pub use options::invite_options;
pub use rate_limit::remaining_this_hour;
pub use shop_floor::{ShopFloorInvite, invite_shop_floor};
pub use writer::InvitationWriter;
