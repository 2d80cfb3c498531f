//! The invitation rules, over any sea-orm connection and an explicit acting admin, grouped by
//! rule:
//!
//! - `assignment`: what an invitation may assign (role, units) and what the dialog offers;
//! - `availability`: whether an address or employee number is free to invite;
//! - `rate_limit`: the hourly limit per admin;
//! - `send`: email invitations, prepared and written in batches; `writer`, the task that
//!   writes the batches, and `send_email_invitation`, the one way in;
//! - `shop_floor`: invitations for workers with no email, and their handouts;
//! - `actions`: Resend and Revoke;
//! - `records`: the rows, the email's content and the audit events they write;
//! - `listing`: the Invitations tab.
//!
//! Who may do what is `crate::policy`; the lifecycle of a stored invitation (open, expired,
//! claimed, renewed, revoked) is `crate::ssr::models::invitation`.

mod actions;
mod assignment;
mod availability;
mod listing;
mod rate_limit;
mod records;
mod send;
mod shop_floor;
mod writer;

pub use actions::{resend, revoke};
pub use assignment::invite_options;
pub use availability::{IdentityUses, unavailable};
pub use listing::{list_invitations, shown_status};
pub use rate_limit::{next_free_at, remaining_this_hour, reserve_attempt};
pub use send::{EmailInvite, PreparedInvite, prepare_email_invite, write_email_invites};
pub use shop_floor::{
    HandoutPage, HandoutWorker, IssuedCode, ShopFloorInvite, draw_handout, draw_handouts, invite_shop_floor, invite_shop_floor_from_import,
    reissue_codes,
};
pub use writer::{InvitationWriter, send_email_invitation};
