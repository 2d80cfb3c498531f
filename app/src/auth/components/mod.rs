mod sign_in_page;
mod sign_out_button;

pub use sign_in_page::SignInPage;
pub use sign_out_button::SignOutButton;
