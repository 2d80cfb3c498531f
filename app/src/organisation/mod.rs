//! Departments and locations, managed by the Corporate Admin.

pub mod api;
pub mod components;
pub mod dto;
#[cfg(feature = "ssr")]
pub mod service;
