//! Wire types used by more than one feature.

use serde::{Deserialize, Serialize};

/// One page of a list, 1-based.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

pub const PAGE_SIZE: u64 = 25;

impl<T> Page<T> {
    /// The same page with its items transformed.
    pub fn map<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Page<U> {
        Page { items: f(self.items), page: self.page, pages: self.pages, total: self.total }
    }
}
