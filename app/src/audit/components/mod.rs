mod audit_log_page;
mod local_time;

pub use audit_log_page::AuditLogPage;
pub use local_time::LocalTime;
