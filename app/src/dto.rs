//! Wire types used by more than one feature.

use serde::{Deserialize, Serialize};

/// Which page of a list to read: the first, or the one just after or just before a row (by
/// id) in the list's order. Lists are read by keyset, so a page costs the same however deep
/// it is, and a row added meanwhile never shifts what the next page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageAt {
    #[default]
    First,
    After(i32),
    Before(i32),
}

impl PageAt {
    /// From a list address's `?after=` and `?before=` (after wins when both are there).
    pub fn from_params(after: Option<i32>, before: Option<i32>) -> PageAt {
        match (after, before) {
            (Some(id), _) => PageAt::After(id),
            (None, Some(id)) => PageAt::Before(id),
            (None, None) => PageAt::First,
        }
    }

    /// The other way: `(after, before)`, as the server functions take them.
    pub fn params(self) -> (Option<i32>, Option<i32>) {
        match self {
            PageAt::First => (None, None),
            PageAt::After(id) => (Some(id), None),
            PageAt::Before(id) => (None, Some(id)),
        }
    }
}

/// One page of a list, with the rows to continue from on either side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The first row's id, when rows come before it (`?before=`).
    pub previous: Option<i32>,
    /// The last row's id, when rows come after it (`?after=`).
    pub next: Option<i32>,
    /// How many rows the list has in all, counted up to [`COUNT_CAP`].
    pub total: u64,
}

pub const PAGE_SIZE: u64 = 25;

/// Lists count their rows up to this many and then say "more than": counting further would
/// make a long list slower to show for a number nobody reads exactly (the cost of counting is
/// in bench/README.md, "Lists at 100k rows"); 1,000 is forty pages of 25.
pub const COUNT_CAP: u64 = 1_000;

impl<T> Page<T> {
    /// The same page with its items transformed.
    pub fn map<U>(self, f: impl FnOnce(Vec<T>) -> Vec<U>) -> Page<U> {
        Page { items: f(self.items), previous: self.previous, next: self.next, total: self.total }
    }

    /// The count as a list shows it: "999", or "more than 1,000".
    pub fn total_text(&self) -> String {
        if self.total > COUNT_CAP {
            format!("more than {}", thousands(COUNT_CAP))
        } else {
            thousands(self.total)
        }
    }
}

/// `n` with a comma between each group of three digits: "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u64) -> Page<()> {
        Page { items: vec![], previous: None, next: None, total }
    }

    #[test]
    fn counts_read_with_thousands_separators_and_stop_at_the_cap() {
        assert_eq!(page(0).total_text(), "0");
        assert_eq!(page(999).total_text(), "999");
        assert_eq!(page(COUNT_CAP).total_text(), "1,000");
        assert_eq!(page(COUNT_CAP + 1).total_text(), "more than 1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn after_wins_over_before_and_nothing_means_the_first_page() {
        assert_eq!(PageAt::from_params(Some(3), Some(9)), PageAt::After(3));
        assert_eq!(PageAt::from_params(None, Some(9)), PageAt::Before(9));
        assert_eq!(PageAt::from_params(None, None), PageAt::First);
        for at in [PageAt::First, PageAt::After(3), PageAt::Before(9)] {
            let (after, before) = at.params();
            assert_eq!(PageAt::from_params(after, before), at);
        }
    }
}
