#![recursion_limit = "256"]
//! The Onboard server: configuration, start-up, request layers and the admin CLI.

pub mod assets;
pub mod cli;
pub mod config;
pub mod database;
pub mod import_files;
pub mod invitation_link;
pub mod mail_capture;
pub mod middleware;
pub mod startup;
pub use app::ssr::tcp_nodelay;
