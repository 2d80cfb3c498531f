//! The signed-in shell: sidebar, access guards, the paged table every list uses, and pages
//! that belong to no feature.

mod admin_only;
mod confirm;
mod follows;
mod form_errors;
mod modal;
mod paged_table;
mod pager;
mod shell;
mod signed_in_elsewhere;

pub use admin_only::{AdminOnly, CorporateAdminOnly};
pub use confirm::ConfirmButton;
pub use follows::follows;
pub use form_errors::{FormErrors, errors_of};
pub use modal::Modal;
pub use paged_table::{PagedTable, page_at};
pub use pager::Pager;
pub use shell::{Home, NotFound, SignedInLayout, use_current_user};
pub use signed_in_elsewhere::SignedInElsewhere;
