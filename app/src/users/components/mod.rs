mod profile_page;
mod users_page;
mod users_tabs;

pub use profile_page::ProfilePage;
pub use users_page::{UsersList, UsersSection};
pub use users_tabs::UsersTabs;
