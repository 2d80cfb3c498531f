mod handout_sheet;
mod import_job_page;
mod import_page;
mod imports_list;

pub use handout_sheet::HandoutSheet;
pub use import_job_page::ImportJobPage;
pub use import_page::ImportPage;
pub use imports_list::ImportsList;
