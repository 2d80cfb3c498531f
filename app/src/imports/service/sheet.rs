//! Reading an uploaded spreadsheet into rows of named fields, with the `csv` and `calamine`
//! crates: CSV (comma, semicolon or tab, detected; UTF-8 with or without a byte-order mark,
//! UTF-16 with one, or Windows-1252 as Excel saves it; quoted fields; CRLF or LF) and XLSX.
//! A file-level problem is one sentence and nothing else happens.

use std::io::Cursor;

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The most rows (besides the header) accepted.
pub const MAX_ROWS: usize = 5_000;
/// What an XLSX file may unpack to: a small file that unpacks to gigabytes is refused before
/// it is read.
const MAX_UNPACKED: u64 = 200 * 1024 * 1024;

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

/// Reads `bytes` as XLSX (a zip file) or CSV.
pub fn read(bytes: &[u8]) -> Result<Sheet, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(problem("The file is larger than 5 MB: split it into smaller files."));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(problem("The file is empty."));
    }
    let cells = if bytes.starts_with(b"PK\x03\x04") { xlsx_cells(bytes)? } else { csv_cells(bytes)? };
    sheet_of(cells)
}

/// Raw cells, row by row, with each row's number.
type Cells = Vec<(u32, Vec<String>)>;

fn sheet_of(cells: Cells) -> Result<Sheet, FileProblem> {
    let mut rows = cells.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(problem("The file has no rows."));
    };
    let mut sheet = Sheet::default();
    let mut positions = Vec::new();
    for (at, name) in header.iter().enumerate() {
        let name = name.trim().trim_start_matches('\u{feff}');
        match Column::from_header(name) {
            Some(column) if sheet.columns.contains(&column) => {
                return Err(problem(format!("The column {} appears twice in the first row.", column.name())));
            }
            Some(column) => {
                sheet.columns.push(column);
                positions.push((at, column));
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
            return Err(problem("The file has more than 5,000 rows: split it into smaller files."));
        }
        let mut row = SheetRow { number, ..Default::default() };
        for (at, column) in &positions {
            if let Some(value) = cells.get(*at) {
                row.fields[*column as usize] = value.trim().to_owned();
            }
        }
        sheet.rows.push(row);
    }
    Ok(sheet)
}

/// The text of a CSV file: UTF-8 (a byte-order mark dropped), UTF-16 with its byte-order
/// mark, or else Windows-1252, which is what Excel writes for "CSV" on most Windows machines.
/// A file with NUL or other control bytes in it is not a spreadsheet at all.
fn decode(bytes: &[u8]) -> Result<String, FileProblem> {
    let (text, _, _) = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let encoding = encoding_rs::Encoding::for_bom(bytes).map(|(e, _)| e).unwrap_or(encoding_rs::UTF_16LE);
        encoding.decode(bytes)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (std::borrow::Cow::Borrowed(text.trim_start_matches('\u{feff}')), encoding_rs::UTF_8, false)
    } else {
        encoding_rs::WINDOWS_1252.decode(bytes)
    };
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(problem("This is not a CSV or XLSX file. Save the spreadsheet as CSV or as an Excel workbook (.xlsx)."));
    }
    Ok(text.into_owned())
}

/// Comma, semicolon or tab: whichever the first line (outside quotes) has most of.
fn delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(entry) = counts.iter_mut().find(|(d, _)| *d == c) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts.iter().max_by_key(|(d, n)| (*n, *d == b',')).map_or(b',', |(d, _)| *d)
}

fn csv_cells(bytes: &[u8]) -> Result<Cells, FileProblem> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let (mut cells, mut filled) = (Vec::new(), 0usize);
    // A spreadsheet shows a blank line as an empty row and a quoted line break inside its
    // cell: a row's number is its first line less the line breaks inside the rows before it.
    // The line a record starts on is counted from its byte offset: the reader's own line count
    // does not follow CRLF endings or blank lines.
    let (mut inner_breaks, mut scanned, mut breaks_before) = (0u64, 0usize, 0u64);
    for record in reader.records() {
        let record = record.map_err(|e| problem(format!("The file cannot be read as CSV: {e}.")))?;
        // A record's position can be where the line endings before it (blank lines too) begin.
        let mut start = record.position().map_or(scanned, |p| p.byte() as usize).clamp(scanned, text.len());
        while text.as_bytes().get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            start += 1;
        }
        breaks_before += text.as_bytes()[scanned..start].iter().filter(|b| **b == b'\n').count() as u64;
        scanned = start;
        let line = breaks_before + 1;
        filled += usize::from(record.iter().any(|v| !v.trim().is_empty()));
        if filled > MAX_ROWS + 1 {
            // The header and 5,000 rows are all a file may hold; reading on is wasted.
            return Err(problem("The file has more than 5,000 rows: split it into smaller files."));
        }
        let number = u32::try_from(line.saturating_sub(inner_breaks)).unwrap_or(u32::MAX);
        inner_breaks += record.iter().map(|v| v.matches('\n').count() as u64).sum::<u64>();
        cells.push((number, record.iter().map(str::to_owned).collect()));
    }
    Ok(cells)
}

fn xlsx_cells(bytes: &[u8]) -> Result<Cells, FileProblem> {
    use calamine::{Reader, Xlsx};
    let not_xlsx = || problem("This file is not an Excel workbook (.xlsx) that can be read. Save it again as .xlsx or as CSV.");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut unpacked = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| not_xlsx())?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED {
        return Err(problem("The workbook unpacks to more than 200 MB: save the sheet as CSV instead."));
    }
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let range = match workbook.worksheet_range_at(0) {
        Some(Ok(range)) => range,
        Some(Err(_)) => return Err(not_xlsx()),
        None => return Err(problem("The workbook has no sheets.")),
    };
    if range.height() > MAX_ROWS + 1 + 1000 {
        return Err(problem("The file has more than 5,000 rows: split it into smaller files."));
    }
    let first_row = range.start().map_or(0, |(row, _)| row);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    Ok(range
        .rows()
        .enumerate()
        .map(|(at, row)| {
            // A sheet that starts right of column A keeps its columns where the header has them.
            let mut cells = vec![String::new(); first_column];
            cells.extend(row.iter().map(cell_text));
            (first_row + at as u32 + 1, cells)
        })
        .collect())
}

/// A cell as text: whole numbers without a decimal point (an employee number typed as a
/// number), dates as ISO dates.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(d) => d.to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
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
    fn the_delimiter_is_the_one_the_header_uses_most() {
        assert_eq!(delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(delimiter("a,b,c"), b',');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("\"a;b\",c"), b',');
    }

    #[test]
    fn an_xlsx_file_made_by_a_spreadsheet_program_is_read() {
        let bytes = include_bytes!("../../../tests/fixtures/import.xlsx");
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
