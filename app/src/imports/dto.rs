//! Wire types of the import pages.

use crate::domain::IdentityKind;
use crate::dto::thousands;
use crate::invitations::dto::Handout;
use crate::when::Moment;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// What the preview says will happen to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowOutcome {
    /// Will be invited by email.
    Email,
    /// Will get a shop-floor setup code.
    ShopFloor,
    /// Something in the row is wrong; the reason names the field.
    Error,
    /// Names a department other than a Quality or HR Admin's own.
    OutsideDepartment,
    /// The address or number already has an account or an invitation (the dialog's words).
    Unavailable,
    /// The same address or number as an earlier row of the file.
    Repeated,
}

impl RowOutcome {
    pub const ALL: [RowOutcome; 6] = [
        RowOutcome::Email,
        RowOutcome::ShopFloor,
        RowOutcome::Error,
        RowOutcome::OutsideDepartment,
        RowOutcome::Unavailable,
        RowOutcome::Repeated,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RowOutcome::Email => "Will be invited by email",
            RowOutcome::ShopFloor => "Will get a shop-floor setup code",
            RowOutcome::Error => "Error",
            RowOutcome::OutsideDepartment => "Outside your department",
            RowOutcome::Unavailable => "Already has an account or an invitation",
            RowOutcome::Repeated => "Repeated in this file",
        }
    }

    /// Whether the import will try to send this row.
    pub fn will_send(self) -> bool {
        matches!(self, RowOutcome::Email | RowOutcome::ShopFloor)
    }
}

/// One row of the preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub number: u32,
    /// The email address or employee number, as the file gave it.
    pub identifier: String,
    pub name: String,
    pub outcome: RowOutcome,
    pub reason: Option<String>,
}

/// What an import of a file would do; nothing has been written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub file_name: String,
    /// The file's SHA-256, so "Start the import" starts what was previewed.
    pub digest: String,
    /// Header names that are not import columns: reported, never used.
    pub unknown_columns: Vec<String>,
    /// How many rows have each outcome, in `RowOutcome::ALL` order.
    pub totals: Vec<(RowOutcome, u32)>,
    pub rows: Vec<PreviewRow>,
    /// The preview as CSV (row number, outcome, reason), for download.
    pub csv: String,
    /// Invitations the admin has left this hour, and the limit.
    pub remaining_this_hour: u32,
    pub hourly_limit: u32,
}

impl ImportPreview {
    /// How many rows will be sent.
    pub fn to_send(&self) -> u32 {
        self.totals.iter().filter(|(o, _)| o.will_send()).map(|(_, n)| n).sum()
    }
}

/// How many rows one page of the preview shows: a 5,000-row file is read page by page, not
/// drawn as one table the browser takes seconds over.
pub const PREVIEW_PAGE_ROWS: usize = 100;

/// One page of the preview's rows (those the filter keeps, `len` of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewPage {
    /// Which of the kept rows the page shows.
    pub rows: Range<usize>,
    /// The page's index from 0, held to the last page.
    pub index: usize,
    pub count: usize,
    len: usize,
}

impl PreviewPage {
    /// Page `index` (from 0) of `len` rows; past the end means the last page.
    pub fn at(len: usize, index: usize) -> PreviewPage {
        let count = len.div_ceil(PREVIEW_PAGE_ROWS).max(1);
        let index = index.min(count - 1);
        let start = index * PREVIEW_PAGE_ROWS;
        PreviewPage { rows: start..(start + PREVIEW_PAGE_ROWS).min(len), index, count, len }
    }

    pub fn has_previous(&self) -> bool {
        self.index > 0
    }

    pub fn has_next(&self) -> bool {
        self.index + 1 < self.count
    }

    /// "Rows 101–200 of 5,000".
    pub fn label(&self) -> String {
        if self.len == 0 {
            return "No rows".to_owned();
        }
        format!(
            "Rows {}–{} of {}",
            thousands(self.rows.start as u64 + 1),
            thousands(self.rows.end as u64),
            thousands(self.len as u64)
        )
    }
}

/// Where an import stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    Sending,
    /// The hourly limit is used up: the next `count` rows go at `at`.
    Waiting { at: Moment, count: u32 },
    Finished,
    Cancelled,
}

impl ImportState {
    pub fn label(&self) -> &'static str {
        match self {
            ImportState::Sending => "Sending",
            ImportState::Waiting { .. } => "Waiting for the hourly limit",
            ImportState::Finished => "Finished",
            ImportState::Cancelled => "Cancelled",
        }
    }

    pub fn is_over(&self) -> bool {
        matches!(self, ImportState::Finished | ImportState::Cancelled)
    }
}

/// The counts of an import's rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    /// Rows the import tries (not those the preview refused).
    pub to_send: u32,
    pub sent: u32,
    pub waiting: u32,
    pub failed: u32,
    pub cancelled: u32,
    /// Refused by the preview, never tried.
    pub skipped: u32,
}

impl ImportCounts {
    /// How far the import has got, 0 to 100.
    pub fn percent_done(&self) -> u32 {
        if self.to_send == 0 {
            return 100;
        }
        (self.sent + self.failed + self.cancelled) * 100 / self.to_send
    }
}

/// An import's page: its state, counts, and how many shop-floor handouts can be printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub id: i32,
    pub file_name: String,
    pub started_by: String,
    pub started_at: Moment,
    pub state: ImportState,
    pub counts: ImportCounts,
    /// Shop-floor workers sent and not yet set up: "Print handouts (N ready)".
    pub handouts_ready: u32,
    /// Whether the viewer may cancel (the import is not over).
    pub can_cancel: bool,
}

/// One row of an import as its page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowView {
    pub number: u32,
    pub identifier: String,
    /// How the row's person is known; `None` for a row that was not imported.
    pub known_by: Option<IdentityKind>,
    /// "Sent", "Waiting", "Failed", "Cancelled", "Skipped".
    pub outcome: String,
    pub reason: Option<String>,
}

/// One import in Users → Imports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i32,
    pub file_name: String,
    pub started_by: String,
    pub started_at: Moment,
    pub total_rows: u32,
    pub state: String,
}

/// One card of a handout sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoutCard {
    pub department: Option<String>,
    pub handout: Handout,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_is_shown_a_hundred_rows_a_page_and_the_last_page_holds_the_rest() {
        let first = PreviewPage::at(5_000, 0);
        assert_eq!((first.rows.clone(), first.count), (0..100, 50));
        assert!(!first.has_previous() && first.has_next());
        assert_eq!(first.label(), "Rows 1–100 of 5,000");

        let last = PreviewPage::at(250, 2);
        assert_eq!(last.rows, 200..250);
        assert!(last.has_previous() && !last.has_next());
        assert_eq!(last.label(), "Rows 201–250 of 250");
    }

    #[test]
    fn a_page_past_the_end_is_the_last_page_and_an_empty_preview_is_one_empty_page() {
        assert_eq!(PreviewPage::at(250, 9).rows, 200..250);
        assert_eq!(PreviewPage::at(100, 1).rows, 0..100);
        let empty = PreviewPage::at(0, 3);
        assert_eq!((empty.rows.clone(), empty.index, empty.count), (0..0, 0, 1));
        assert_eq!(empty.label(), "No rows");
    }
}
