//! XLSX workbooks, read with `calamine`'s cell reader: one cell at a time, in file order.
//!
//! calamine's worksheet range allocates a cell for every position in the rectangle around
//! the used cells before anything can look at them (calamine issue 693): a few kilobytes with a
//! cell in A1 and one in XFD1048576 asked for hundreds of gigabytes and aborted the server.
//! The cell reader sizes nothing; each cell is checked against the limits before it is kept.

use super::{Cells, FileProblem, MAX_COLUMNS, MAX_SHEET_ROWS, beyond_limits, kept, problem};
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// What the files inside a workbook may unpack to, counted as they are unpacked: a workbook
/// of 5,000 rows unpacks to a few megabytes, and a small file that unpacks to gigabytes is
/// refused after this much work rather than read.
const MAX_UNPACKED: u64 = 50 * 1024 * 1024;
/// The most text kept from one sheet's cells: a shared string is stored once in the file but
/// may fill any number of cells, so the unpacked size does not bound it.
const MAX_KEPT_BYTES: usize = 32 * 1024 * 1024;

fn not_xlsx() -> FileProblem {
    problem("This file is not an Excel workbook (.xlsx) that can be read. Save it again as .xlsx or as CSV.")
}

fn too_big_unpacked() -> FileProblem {
    problem("The workbook unpacks to more than 50 MB: save the sheet as CSV instead.")
}

/// Unpacks every file in the archive without keeping it, and refuses the workbook once the
/// bytes that really come out pass [`MAX_UNPACKED`], whatever sizes the archive declares.
fn check_unpacked(bytes: &[u8]) -> Result<(), FileProblem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut left = MAX_UNPACKED;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| not_xlsx())?;
        let out = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink()).map_err(|_| not_xlsx())?;
        left = left.checked_sub(out).ok_or_else(too_big_unpacked)?;
    }
    Ok(())
}

/// A cell as text: whole numbers without a decimal point (an employee number typed as a
/// number), dates as ISO dates. `None` for a cell that holds nothing.
fn cell_text(cell: &DataRef<'_>) -> Option<String> {
    let text = match cell {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => kept(s),
        DataRef::SharedString(s) => kept(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(_) | DataRef::Empty => return None,
    };
    (!text.trim().is_empty()).then_some(text)
}

/// The cells of the workbook's first sheet that hold something.
pub(super) fn cells(bytes: &[u8]) -> Result<Cells, FileProblem> {
    check_unpacked(bytes)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(problem("The workbook has no sheets."));
    };
    let mut reader = workbook.worksheet_cells_reader(&first).map_err(|_| not_xlsx())?;
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let mut kept_bytes = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|_| not_xlsx())? {
        let Some(text) = cell_text(cell.get_value()) else { continue };
        let (row, column) = cell.get_position();
        if row >= MAX_SHEET_ROWS || column >= MAX_COLUMNS {
            return Err(beyond_limits(row, column));
        }
        kept_bytes += text.len();
        if kept_bytes > MAX_KEPT_BYTES {
            return Err(problem("The sheet holds more than 32 MB of text: save only the columns to import, as CSV."));
        }
        rows.entry(row).or_default().push((column, text));
    }
    Ok(rows
        .into_iter()
        .map(|(row, mut cells)| {
            // A file may name one cell twice; the first one stands.
            cells.sort_by_key(|(column, _)| *column);
            cells.dedup_by_key(|(column, _)| *column);
            (row + 1, cells)
        })
        .collect())
}
