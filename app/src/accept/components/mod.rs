mod accept_page;
mod password_hint;
mod setup_page;

pub use accept_page::AcceptPage;
pub use password_hint::PasswordHint;
pub use setup_page::SetupPage;
