//! Reading an uploaded spreadsheet into rows of named fields, with the `csv` and `calamine`
//! crates: CSV (`text`: comma, semicolon or tab, detected; UTF-8 with or without a byte-order
//! mark, UTF-16 with one, or Windows-1252 as Excel saves it; quoted fields; CRLF or LF) and
//! XLSX (`workbook`). A file-level problem is one sentence and nothing else happens.
//!
//! A file is hostile until read: nothing here is sized by what a file says about itself. Cells
//! are kept sparsely (only those with text, each at most [`MAX_CELL_CHARS`]), a cell beyond
//! [`MAX_SHEET_ROWS`] rows or [`MAX_COLUMNS`] columns refuses the file before it is kept, and
//! a workbook is measured by what it really unpacks to.

mod text;
mod workbook;

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most rows (besides the header) accepted.
pub const MAX_ROWS: usize = 5_000;
/// The widest sheet read (column IV, the old Excel limit): no import column lies further right.
pub const MAX_COLUMNS: u32 = 256;
/// The furthest row a cell may be in: the header and [`MAX_ROWS`] rows, with room for a
/// thousand blank rows among them.
pub const MAX_SHEET_ROWS: u32 = MAX_ROWS as u32 + 1 + 1000;
/// The most characters kept of one cell: every column an import reads allows far fewer, so a
/// longer value is still refused by its column's rule, and no more of it is held.
pub const MAX_CELL_CHARS: usize = 1_000;

/// The columns an import understands, in the template's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Email,
    FirstName,
    LastName,
    EmployeeNumber,
    Role,
    Department,
    Location,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Email,
        Column::FirstName,
        Column::LastName,
        Column::EmployeeNumber,
        Column::Role,
        Column::Department,
        Column::Location,
    ];

    /// The name the template uses.
    pub fn name(self) -> &'static str {
        match self {
            Column::Email => "email",
            Column::FirstName => "first_name",
            Column::LastName => "last_name",
            Column::EmployeeNumber => "employee_number",
            Column::Role => "role",
            Column::Department => "department",
            Column::Location => "location",
        }
    }

    /// The column a header cell names, ignoring case, spaces, `_` and `-`
    /// ("First name", "FIRST_NAME", "first-name").
    pub fn from_header(header: &str) -> Option<Column> {
        let folded: String = header.chars().filter(|c| !c.is_whitespace() && *c != '_' && *c != '-').collect();
        let folded = folded.to_lowercase();
        Column::ALL.into_iter().find(|c| c.name().replace('_', "") == folded)
    }
}

/// One row of the file: its number as a spreadsheet program shows it (the header is row 1)
/// and each known column's text, trimmed ("" when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetRow {
    pub number: u32,
    fields: [String; 7],
}

impl SheetRow {
    pub fn get(&self, column: Column) -> &str {
        &self.fields[column as usize]
    }

    #[cfg(test)]
    pub fn with(number: u32, values: &[(Column, &str)]) -> Self {
        let mut row = SheetRow { number, ..Default::default() };
        for (column, value) in values {
            row.fields[*column as usize] = (*value).to_owned();
        }
        row
    }
}

/// A file read: its rows (empty rows left out) and the header names it had that are not ours.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub columns: Vec<Column>,
    pub unknown_columns: Vec<String>,
    pub rows: Vec<SheetRow>,
}

/// Why a file was refused, as one sentence for the admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProblem(pub String);

fn problem(text: impl Into<String>) -> FileProblem {
    FileProblem(text.into())
}

fn too_many_rows() -> FileProblem {
    problem("The file has more than 5,000 rows: split it into smaller files.")
}

/// The refusal of a cell outside the part of a sheet an import reads, named as a spreadsheet
/// program shows it (`row` and `column` count from 0).
fn beyond_limits(row: u32, column: u32) -> FileProblem {
    problem(format!(
        "The sheet has something in cell {}{}, further than an import reads (5,000 rows, columns A to IV). \
         Delete what is there, or copy the rows to a new sheet.",
        column_letters(column),
        u64::from(row) + 1
    ))
}

/// A column's letters as a spreadsheet program shows them (0 is A, 26 is AA).
pub fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(b'A' + rest as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|b| *b as char).collect()
}

/// Reads `bytes` as XLSX (a zip file) or CSV.
pub fn read(bytes: &[u8]) -> Result<Sheet, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(problem("The file is larger than 5 MB: split it into smaller files."));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(problem("The file is empty."));
    }
    let cells = if bytes.starts_with(b"PK\x03\x04") { workbook::cells(bytes)? } else { text::cells(bytes)? };
    sheet_of(cells)
}

/// The cells that hold something, row by row in file order, each row with its number and
/// its cells by column (counted from 0), in column order.
type Cells = Vec<(u32, Vec<(u32, String)>)>;

/// What is kept of a cell's text: at most [`MAX_CELL_CHARS`] characters.
fn kept(text: &str) -> String {
    text.chars().take(MAX_CELL_CHARS).collect()
}

fn sheet_of(cells: Cells) -> Result<Sheet, FileProblem> {
    let mut rows = cells.into_iter().filter(|(_, cells)| cells.iter().any(|(_, c)| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(problem("The file has no rows."));
    };
    let mut sheet = Sheet::default();
    let mut positions = Vec::new();
    for (at, name) in &header {
        let name = name.trim().trim_start_matches('\u{feff}');
        match Column::from_header(name) {
            Some(column) if sheet.columns.contains(&column) => {
                return Err(problem(format!("The column {} appears twice in the first row.", column.name())));
            }
            Some(column) => {
                sheet.columns.push(column);
                positions.push((*at, column));
            }
            None if name.is_empty() => {}
            None => sheet.unknown_columns.push(name.to_owned()),
        }
    }
    let template = Column::ALL.map(Column::name).join(", ");
    if sheet.columns.is_empty() {
        return Err(problem(format!("The first row must name the columns: {template}.")));
    }
    if !sheet.columns.contains(&Column::Email) && !sheet.columns.contains(&Column::EmployeeNumber) {
        return Err(problem("The file needs an email column or an employee_number column (or both)."));
    }
    if sheet.columns.contains(&Column::EmployeeNumber)
        && let Some(missing) = [Column::FirstName, Column::LastName].into_iter().find(|c| !sheet.columns.contains(c))
    {
        return Err(problem(format!(
            "The file has an employee_number column but no {} column: shop-floor employees need their names.",
            missing.name()
        )));
    }
    for (number, cells) in rows {
        if sheet.rows.len() == MAX_ROWS {
            return Err(too_many_rows());
        }
        let mut row = SheetRow { number, ..Default::default() };
        for (at, column) in &positions {
            if let Some((_, value)) = cells.iter().find(|(c, _)| c == at) {
                row.fields[*column as usize] = value.trim().to_owned();
            }
        }
        sheet.rows.push(row);
    }
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<SheetRow> {
        read(text.as_bytes()).expect("the file is read").rows
    }

    fn refusal(bytes: &[u8]) -> String {
        read(bytes).expect_err("the file is refused").0
    }

    #[test]
    fn a_comma_file_with_crlf_and_quoted_commas_and_newlines_is_read() {
        let text = "email,first_name,last_name\r\nana@example.com,\"Ana, Maria\",\"Lopez\nGarcia\"\r\n";
        let rows = rows(text);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[0].get(Column::FirstName), "Ana, Maria");
        assert_eq!(rows[0].get(Column::LastName), "Lopez\nGarcia");
    }

    #[test]
    fn a_semicolon_file_with_a_byte_order_mark_and_accents_is_read() {
        let text = "\u{feff}Employee Number;First Name;LAST_NAME;Role\n4711;Zoë;Müller-Łukasiewicz;Employee\n";
        let sheet = read(text.as_bytes()).unwrap();
        assert_eq!(sheet.columns, vec![Column::EmployeeNumber, Column::FirstName, Column::LastName, Column::Role]);
        assert_eq!(sheet.rows[0].get(Column::FirstName), "Zoë");
        assert_eq!(sheet.rows[0].get(Column::LastName), "Müller-Łukasiewicz");
    }

    #[test]
    fn windows_1252_from_excel_keeps_its_accents() {
        let bytes = b"email;first_name;last_name\nrene@example.com;Ren\xe9;Fran\xe7ois\n";
        let rows = read(bytes).unwrap().rows;
        assert_eq!(rows[0].get(Column::FirstName), "René");
        assert_eq!(rows[0].get(Column::LastName), "François");
    }

    #[test]
    fn columns_in_another_order_and_unknown_ones_are_told_apart() {
        let sheet = read(b"Location,cost centre,EMAIL\nPlant 2,4410,bo@example.com\n").unwrap();
        assert_eq!(sheet.columns, vec![Column::Location, Column::Email]);
        assert_eq!(sheet.unknown_columns, vec!["cost centre".to_owned()]);
        assert_eq!(sheet.rows[0].get(Column::Email), "bo@example.com");
        assert_eq!(sheet.rows[0].get(Column::Location), "Plant 2");
    }

    #[test]
    fn empty_rows_are_left_out_but_keep_the_numbering() {
        let rows = rows("email\na@example.com\n,\n\nb@example.com\n,,\n\n");
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![2, 5]);
    }

    #[test]
    fn a_line_break_inside_a_cell_does_not_shift_the_row_numbers() {
        let rows = rows("email,first_name\r\na@example.com,\"two\r\nlines\"\r\nb@example.com,x\r\n");
        let numbers: Vec<u32> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![2, 3]);
    }

    #[test]
    fn files_that_cannot_be_imported_are_refused_in_one_sentence() {
        assert!(refusal(b"").contains("empty"));
        assert!(refusal(b"name,phone\nAna,123\n").contains("first row must name the columns"));
        assert!(refusal(b"first_name,last_name\nAna,Lopez\n").contains("email column or an employee_number column"));
        assert!(refusal(b"employee_number,first_name\n1,Ana\n").contains("no last_name column"));
        assert!(refusal(b"email,Email\na@example.com,b@example.com\n").contains("appears twice"));
        assert!(refusal(b"\x00\x01\x02binary\xff").contains("not a CSV or XLSX"));
        assert!(refusal(b"PK\x03\x04not really a zip").contains("not an Excel workbook"));
        let mut big = String::from("email\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("p{i}@example.com\n"));
        }
        assert!(refusal(big.as_bytes()).contains("more than 5,000 rows"));
        assert!(refusal(&vec![b'a'; MAX_BYTES + 1]).contains("larger than 5 MB"));
    }

    #[test]
    fn exactly_5000_rows_are_accepted() {
        let mut text = String::from("email\n");
        for i in 0..MAX_ROWS {
            text.push_str(&format!("p{i}@example.com\n"));
        }
        assert_eq!(rows(&text).len(), MAX_ROWS);
    }

    #[test]
    fn a_filled_cell_right_of_column_iv_refuses_the_file_and_empty_ones_do_not() {
        let far = format!("email{}x\na@example.com\n", ",".repeat(MAX_COLUMNS as usize));
        assert!(refusal(far.as_bytes()).contains("cell IW1"), "{}", refusal(far.as_bytes()));
        let wide_but_empty = format!("email{}\na@example.com\n", ",".repeat(10_000));
        assert_eq!(rows(&wide_but_empty).len(), 1);
    }

    #[test]
    fn a_long_cell_is_kept_only_as_far_as_any_column_could_use() {
        let text = format!("email,first_name\na@example.com,{}\n", "é".repeat(50_000));
        assert_eq!(rows(&text)[0].get(Column::FirstName).chars().count(), MAX_CELL_CHARS);
    }

    #[test]
    fn columns_are_lettered_as_a_spreadsheet_names_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(255), "IV");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn an_xlsx_file_made_by_a_spreadsheet_program_is_read() {
        let bytes = include_bytes!("../../../../tests/fixtures/import.xlsx");
        let sheet = read(bytes).expect("the workbook is read");
        assert_eq!(sheet.rows.len(), 3);
        assert_eq!(sheet.rows[0].get(Column::Email), "lena.fischer@example.com");
        assert_eq!(sheet.rows[1].get(Column::EmployeeNumber), "40123");
        assert_eq!(sheet.rows[1].get(Column::FirstName), "Zoë");
        assert_eq!(sheet.rows[2].get(Column::LastName), "Ñúñez");
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_a_sheet_or_a_file_problem_and_never_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = read(&bytes);
        }

        #[test]
        fn any_text_after_a_valid_header_never_panics(body in "[a-zA-Z0-9@.;,\"\r\n é-]{0,400}") {
            let _ = read(format!("email;first_name;last_name;employee_number\n{body}").as_bytes());
        }

        #[test]
        fn any_bytes_after_a_zip_signature_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1024)) {
            let mut file = b"PK\x03\x04".to_vec();
            file.extend(bytes);
            let _ = read(&file);
        }
    }
}
