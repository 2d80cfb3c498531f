//! The signed-in shell: sidebar, access guards, and pages that belong to no feature.

mod admin_only;
mod pager;
mod shell;

pub use admin_only::{AdminOnly, CorporateAdminOnly};
pub use pager::Pager;
pub use shell::{Home, NotFound, SignedInLayout, use_current_user};
