mod person_page;
mod recovery_pages;

pub use person_page::PersonPage;
pub use recovery_pages::{ForgotPasswordPage, NewPinPage, ResetPasswordPage};
