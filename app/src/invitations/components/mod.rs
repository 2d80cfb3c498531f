mod invitations_list;
mod invite_dialog;

pub use invitations_list::InvitationsList;
pub use invite_dialog::InviteDialog;
