mod invitations_page;

pub use invitations_page::InvitationsPage;
