mod accept_page;
mod password_hint;

pub use accept_page::AcceptPage;
pub use password_hint::PasswordHint;
