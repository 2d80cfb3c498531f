//! Hostile spreadsheets: files a spreadsheet program never writes but anyone can upload. Each
//! gives rows or one sentence, within bounded memory, and never takes the process down.
//!
//! The files are built here (`support/xlsx.rs`), so each test says exactly what is in them.

#![cfg(feature = "ssr")]

#[path = "support/xlsx.rs"]
mod xlsx;

use app::imports::service::sheet::{Column, MAX_COLUMNS, MAX_SHEET_ROWS, read};
use proptest::prelude::*;
use xlsx::{Value, lie_about_sizes, text_cells, workbook};

fn refusal(bytes: &[u8]) -> String {
    read(bytes).expect_err("the file is refused").0
}

#[test]
fn a_workbook_built_here_is_read_like_one_from_a_spreadsheet_program() {
    let file = text_cells(&[(0, 0, "email"), (0, 1, "first_name"), (1, 0, "ana@example.com"), (1, 1, "Ana"), (3, 0, "bo@example.com")]);
    let sheet = read(&file).unwrap();
    let rows: Vec<(u32, &str, &str)> = sheet.rows.iter().map(|r| (r.number, r.get(Column::Email), r.get(Column::FirstName))).collect();
    assert_eq!(rows, vec![(2, "ana@example.com", "Ana"), (4, "bo@example.com", "")]);
}

#[test]
fn a_few_kilobytes_with_cells_in_a1_and_xfd1048576_are_refused_without_sizing_the_sheet() {
    let file = text_cells(&[(0, 0, "email"), (1_048_575, 16_383, "x")]);
    assert!(file.len() < 5 * 1024, "{} bytes", file.len());
    assert!(refusal(&file).contains("cell XFD1048576"), "{}", refusal(&file));
}

#[test]
fn a_cell_in_xfd6000_is_refused_too_though_the_rows_are_few() {
    let file = text_cells(&[(0, 0, "email"), (1, 0, "ana@example.com"), (5_999, 16_383, "x")]);
    assert!(refusal(&file).contains("cell XFD6000"), "{}", refusal(&file));
}

#[test]
fn the_last_row_and_column_read_are_accepted_and_one_further_is_not() {
    let last = text_cells(&[(0, 0, "email"), (1, 0, "ana@example.com"), (MAX_SHEET_ROWS - 1, MAX_COLUMNS - 1, "x")]);
    assert_eq!(read(&last).unwrap().rows.len(), 2);
    let below = text_cells(&[(0, 0, "email"), (MAX_SHEET_ROWS, 0, "x")]);
    assert!(refusal(&below).contains("cell A6002"), "{}", refusal(&below));
    let right = text_cells(&[(0, 0, "email"), (1, MAX_COLUMNS, "x")]);
    assert!(refusal(&right).contains("cell IW2"), "{}", refusal(&right));
}

#[test]
fn cells_written_out_of_order_are_read_in_row_and_column_order() {
    let file = text_cells(&[(2, 1, "Bo"), (1, 0, "ana@example.com"), (0, 1, "first_name"), (2, 0, "bo@example.com"), (0, 0, "email")]);
    let sheet = read(&file).unwrap();
    assert_eq!(sheet.columns, vec![Column::Email, Column::FirstName]);
    assert_eq!(sheet.rows[1].get(Column::FirstName), "Bo");
}

#[test]
fn one_shared_string_filling_many_cells_is_refused_once_the_text_kept_passes_its_bound() {
    let long = "a".repeat(1_000);
    let mut cells = vec![(0, 0, Value::Text("email"))];
    cells.extend((1..6_000).flat_map(|row| (0..6).map(move |column| (row, column, Value::Shared(0)))));
    let file = workbook(&cells, &[&long]);
    assert!(file.len() < 1024 * 1024, "{} bytes", file.len());
    assert!(refusal(&file).contains("more than 32 MB of text"), "{}", refusal(&file));
}

#[test]
fn a_workbook_that_unpacks_past_fifty_megabytes_is_refused_whatever_its_sizes_say() {
    let bomb = "a".repeat(60 * 1024 * 1024);
    let file = workbook(&[(0, 0, Value::Text("email"))], &[&bomb]);
    assert!(file.len() < 1024 * 1024, "{} bytes", file.len());
    assert!(refusal(&file).contains("unpacks to more than 50 MB"), "{}", refusal(&file));
    for declared in [0, 100, u32::MAX] {
        let lying = lie_about_sizes(&file, declared);
        let answer = refusal(&lying);
        assert!(answer.contains("50 MB") || answer.contains("not an Excel workbook"), "{declared}: {answer}");
    }
}

/// A cell somewhere on a sheet of Excel's full size, holding some text.
fn any_cell() -> impl Strategy<Value = (u32, u32, String)> {
    let row = prop_oneof![0u32..20, 0u32..MAX_SHEET_ROWS + 10, 0u32..1_048_576];
    let column = prop_oneof![0u32..10, 0u32..MAX_COLUMNS + 10, 0u32..16_384];
    (row, column, "[a-z@.0-9 ]{0,12}")
}

proptest! {
    #[test]
    fn cells_at_any_coordinates_give_rows_or_a_sentence_and_never_more_than_the_limits(
        cells in proptest::collection::vec(any_cell(), 0..60),
    ) {
        let mut all = vec![(0, 0, "email".to_owned())];
        all.extend(cells);
        let borrowed: Vec<(u32, u32, &str)> = all.iter().map(|(r, c, t)| (*r, *c, t.as_str())).collect();
        let beyond = all.iter().any(|(r, c, t)| !t.trim().is_empty() && (*r >= MAX_SHEET_ROWS || *c >= MAX_COLUMNS));
        match read(&text_cells(&borrowed)) {
            Ok(sheet) => {
                prop_assert!(!beyond, "a cell beyond the limits was read");
                prop_assert!(sheet.rows.iter().all(|r| r.number <= MAX_SHEET_ROWS));
            }
            Err(problem) => prop_assert!(!problem.0.is_empty()),
        }
    }

    #[test]
    fn a_workbook_whose_sizes_lie_gives_rows_or_a_sentence(declared in any::<u32>(), rows in 1u32..50) {
        let mut cells = vec![(0, 0, "email".to_owned())];
        cells.extend((1..=rows).map(|r| (r, 0, format!("p{r}@example.com"))));
        let borrowed: Vec<(u32, u32, &str)> = cells.iter().map(|(r, c, t)| (*r, *c, t.as_str())).collect();
        let file = lie_about_sizes(&text_cells(&borrowed), declared);
        if let Err(problem) = read(&file) {
            prop_assert!(!problem.0.is_empty());
        }
    }
}
