//! The import rules, over any sea-orm connection and an explicit acting admin:
//!
//! - `sheet`: reading a CSV or XLSX file into rows, or one sentence on why not;
//! - `check`: what each row would do, by the Invite dialog's rules (the preview);
//! - `start`: the preview, and starting the job;
//! - `job`: sending a job's rows under the hourly limit, on any instance; cancelling;
//! - `progress`: what an import's page and Users → Imports show;
//! - `handouts`: the handout sheet of shop-floor setup codes;
//! - `files`: the template, preview and result as CSV;
//! - `worker`: the background task every server instance runs.

mod check;
mod files;
mod handouts;
mod job;
mod progress;
pub mod sheet;
mod start;
mod worker;

pub use files::{result_csv, template_csv};
pub use handouts::print_handouts;
pub use job::{cancel, lease, run_due};
pub use progress::{ROWS_PER_PAGE, count_rows, list_imports, progress, rows};
pub use start::{Upload, preview, read_upload, start};
pub use worker::{instance_name, run};
