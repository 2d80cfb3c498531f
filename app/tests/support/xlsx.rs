//! Workbooks built in a test, byte for byte what an XLSX file is (a zip of XML parts), so a
//! test can make the hostile files a spreadsheet program never would: cells anywhere, in any
//! order, one shared string filling many cells, sizes that lie. Each test binary that
//! includes it uses a part of it.
#![allow(dead_code)]

use app::imports::service::sheet::column_letters;
use std::io::{Cursor, Write};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// What a cell holds: text written into the cell, or the index of a shared string.
pub enum Value<'a> {
    Text(&'a str),
    Shared(usize),
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An XLSX file whose first sheet has `cells` (row and column from 0, in the order given)
/// and whose shared strings are `shared`.
pub fn workbook(cells: &[(u32, u32, Value<'_>)], shared: &[&str]) -> Vec<u8> {
    let mut sheet = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{MAIN}\"><sheetData>");
    for (row, column, value) in cells {
        let at = format!("{}{}", column_letters(*column), u64::from(*row) + 1);
        let cell = match value {
            Value::Text(text) => format!("<c r=\"{at}\" t=\"inlineStr\"><is><t>{}</t></is></c>", escape(text)),
            Value::Shared(index) => format!("<c r=\"{at}\" t=\"s\"><v>{index}</v></c>"),
        };
        sheet.push_str(&format!("<row r=\"{}\">{cell}</row>", u64::from(*row) + 1));
    }
    sheet.push_str("</sheetData></worksheet>");
    let strings: String = shared.iter().map(|s| format!("<si><t>{}</t></si>", escape(s))).collect();
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
                .to_owned(),
        ),
        (
            "_rels/.rels",
            format!("<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC_RELS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
        ),
        (
            "xl/workbook.xml",
            format!("<workbook xmlns=\"{MAIN}\" xmlns:r=\"{DOC_RELS}\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"{RELS}\"><Relationship Id=\"rId1\" Type=\"{DOC_RELS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 <Relationship Id=\"rId2\" Type=\"{DOC_RELS}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"
            ),
        ),
        ("xl/sharedStrings.xml", format!("<sst xmlns=\"{MAIN}\" count=\"{0}\" uniqueCount=\"{0}\">{strings}</sst>", shared.len())),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A workbook of text cells only.
pub fn text_cells(cells: &[(u32, u32, &str)]) -> Vec<u8> {
    let cells: Vec<(u32, u32, Value<'_>)> = cells.iter().map(|(r, c, t)| (*r, *c, Value::Text(t))).collect();
    workbook(&cells, &[])
}

/// `file` with every entry claiming to unpack to `declared` bytes, in both the local headers
/// and the central directory: what a hostile file says about itself.
pub fn lie_about_sizes(file: &[u8], declared: u32) -> Vec<u8> {
    let mut out = file.to_vec();
    let size = declared.to_le_bytes();
    let mut at = 0;
    while at + 4 <= out.len() {
        let offset = match out[at..at + 4] {
            [0x50, 0x4b, 0x03, 0x04] => Some(22), // local file header: uncompressed size
            [0x50, 0x4b, 0x01, 0x02] => Some(24), // central directory header: uncompressed size
            _ => None,
        };
        if let Some(offset) = offset.filter(|o| at + o + 4 <= out.len()) {
            out[at + offset..at + offset + 4].copy_from_slice(&size);
        }
        at += 1;
    }
    out
}
