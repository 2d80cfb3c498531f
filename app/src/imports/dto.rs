//! Wire types of the import pages.

use crate::invitations::dto::Handout;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// Where an import stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    Sending,
    /// The hourly limit is used up: the next `count` rows go at `at`.
    Waiting { at: DateTime<Utc>, count: u32 },
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
    pub started_at: DateTime<Utc>,
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
    pub shop_floor: bool,
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
    pub started_at: DateTime<Utc>,
    pub total_rows: u32,
    pub state: String,
}

/// One card of a handout sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoutCard {
    pub department: Option<String>,
    pub handout: Handout,
}
