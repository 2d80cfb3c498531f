mod accept_page;
mod common_list;
mod password_hint;
mod profile_fields;
mod setup_code_field;
mod setup_page;

pub use accept_page::AcceptPage;
pub use common_list::CommonList;
pub use password_hint::PasswordHint;
pub use profile_fields::ProfileFields;
pub use setup_code_field::SetupCodeField;
pub use setup_page::SetupPage;
