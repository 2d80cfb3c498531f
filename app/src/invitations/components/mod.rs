mod handout_view;
mod invitations_list;
mod invite_dialog;

pub use handout_view::{HandoutDialog, HandoutView, handout_card};
pub use invitations_list::InvitationsList;
pub use invite_dialog::{InviteAction, InviteDialog, ShopFloorAction, provide_invite_actions};
