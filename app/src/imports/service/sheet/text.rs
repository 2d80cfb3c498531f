//! CSV files, read with the `csv` crate.

use super::{Cells, FileProblem, MAX_COLUMNS, MAX_ROWS, beyond_limits, kept, problem, too_many_rows};

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
pub(super) fn delimiter(text: &str) -> u8 {
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

/// The cells of a CSV file that hold something.
pub(super) fn cells(bytes: &[u8]) -> Result<Cells, FileProblem> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut cells = Vec::new();
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
        let number = u32::try_from(line.saturating_sub(inner_breaks)).unwrap_or(u32::MAX);
        let mut row = Vec::new();
        for (at, value) in record.iter().enumerate().filter(|(_, v)| !v.trim().is_empty()) {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            if at >= MAX_COLUMNS {
                return Err(beyond_limits(number.saturating_sub(1), at));
            }
            row.push((at, kept(value)));
        }
        inner_breaks += record.iter().map(|v| v.matches('\n').count() as u64).sum::<u64>();
        if row.is_empty() {
            continue;
        }
        if cells.len() > MAX_ROWS {
            // The header and 5,000 rows are all a file may hold; reading on is wasted.
            return Err(too_many_rows());
        }
        cells.push((number, row));
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::delimiter;

    #[test]
    fn the_delimiter_is_the_one_the_header_uses_most() {
        assert_eq!(delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(delimiter("a,b,c"), b',');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("\"a;b\",c"), b',');
    }
}
