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
