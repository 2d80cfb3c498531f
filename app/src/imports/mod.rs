//! Importing people from a spreadsheet: Users → Import (the template, the upload and its
//! preview), the import job that sends its rows under the hourly limit, its page with live
//! progress and handout sheets, and Users → Imports.

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;
