//! The CSV files of an import, written with the `csv` crate: the template (with this
//! organisation's real names), the preview, and the result. None ever holds a link or a code.
//! A cell that a spreadsheet program would run as a formula is written as text.

use super::progress::{find_visible, outcome_of};
use super::sheet::Column;
use crate::error::AppError;
use crate::imports::dto::PreviewRow;
use crate::invitations::service::shown_status;
use crate::organisation::dto::UnitKind;
use crate::organisation::service::{find_unit, list_units};
use crate::policy::Scope;
use crate::ssr::entities::{import_row, invitation};
use crate::ssr::Actor;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Characters that make a spreadsheet program read a cell, or a piece of one, as a formula
/// (the full-width forms too, which some locales of Excel read the same way).
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'];

/// `value` made safe to open in a spreadsheet: every piece of it between separators (`,`, `;`
/// or a tab, whichever list separator the reader's Excel uses) that would start a formula gets
/// a leading apostrophe, so `a;=1+1` stays text in Excel with `;` as its separator too.
fn cell(value: &str) -> String {
    let mut safe = String::with_capacity(value.len() + 1);
    let mut piece_start = true;
    for c in value.chars() {
        if piece_start && FORMULA_STARTS.contains(&c) {
            safe.push('\'');
        }
        safe.push(c);
        piece_start = matches!(c, ',' | ';' | '\t') || (piece_start && c == ' ');
    }
    safe
}

/// The rows as CSV, every field quoted: a field is never split at a separator the writer did
/// not expect.
fn write(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail but for a bug in the writer.
        if let Err(err) = writer.write_record(row.iter().map(|v| cell(v))) {
            tracing::error!(error = %err, "could not write a CSV row");
        }
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The preview as CSV: row number, outcome, reason.
pub fn preview_csv(rows: &[PreviewRow]) -> String {
    let header = ["row", "outcome", "reason"].map(str::to_owned).to_vec();
    write(std::iter::once(header).chain(rows.iter().map(|r| {
        vec![r.number.to_string(), r.outcome.label().to_owned(), r.reason.clone().unwrap_or_default()]
    })))
}

/// A template to fill in: the columns, an email row and a shop-floor row, with this
/// organisation's role, department and location names (a Quality or HR Admin's own
/// department).
pub async fn template_csv(db: &impl ConnectionTrait, actor: &Actor) -> Result<String, AppError> {
    let scope = Scope::of(actor)?;
    let department = match scope.department() {
        Some(own) => find_unit(db, UnitKind::Department, own).await?.map(|u| u.name),
        None => list_units(db, UnitKind::Department, false).await?.into_iter().next().map(|u| u.name),
    }
    .unwrap_or_default();
    let location = list_units(db, UnitKind::Location, false).await?.into_iter().next().map(|u| u.name).unwrap_or_default();
    let header = Column::ALL.map(|c| c.name().to_owned()).to_vec();
    let email_row: [&str; 7] = ["lena.fischer@example.com", "Lena", "Fischer", "", "Team Lead", &department, &location];
    let shop_floor_row: [&str; 7] = ["", "Iker", "Núñez", "40123", "Employee", &department, &location];
    Ok(write([header, email_row.map(str::to_owned).to_vec(), shop_floor_row.map(str::to_owned).to_vec()]))
}

/// Import `id`'s result for `actor`: row number, identifier, outcome, reason, and the
/// invitation's status at `now`. Answers the file's name too.
pub async fn result_csv(db: &impl ConnectionTrait, actor: &Actor, id: i32, now: DateTime<Utc>) -> Result<(String, String), AppError> {
    let job = find_visible(db, actor, id).await?;
    let rows = import_row::Entity::find()
        .filter(import_row::Column::ImportId.eq(id))
        .order_by_asc(import_row::Column::RowNumber)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.invitation_id).collect();
    let mut statuses = HashMap::new();
    for chunk in ids.chunks(500) {
        for inv in invitation::Entity::find().filter(invitation::Column::Id.is_in(chunk.iter().copied())).all(db).await? {
            statuses.insert(inv.id, shown_status(&inv, now).label());
        }
    }
    let header = ["row", "identifier", "outcome", "reason", "invitation_status"].map(str::to_owned).to_vec();
    let lines = rows.iter().map(|r| {
        let status = r.invitation_id.and_then(|i| statuses.get(&i)).copied().unwrap_or_default();
        vec![r.row_number.to_string(), r.identifier.clone(), outcome_of(r).to_owned(), r.reason.clone().unwrap_or_default(), status.to_owned()]
    });
    let stem = job.file_name.rsplit_once('.').map_or(job.file_name.as_str(), |(stem, _)| stem);
    Ok((format!("{stem}-result.csv"), write(std::iter::once(header).chain(lines))))
}

#[cfg(test)]
mod tests {
    use super::{cell, write};

    #[test]
    fn a_formula_is_neutralised_at_the_start_of_every_piece_a_spreadsheet_could_split_off() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("a;=1+1;"), "a;'=1+1;");
        assert_eq!(cell("a,+SUM(A1)"), "a,'+SUM(A1)");
        assert_eq!(cell("a\t@cmd"), "a\t'@cmd");
        assert_eq!(cell("a; -2+3"), "a; '-2+3");
        assert_eq!(cell("\u{FF1D}1+1"), "'\u{FF1D}1+1");
        assert_eq!(cell("Anne-Marie O'Neill, Plant 2"), "Anne-Marie O'Neill, Plant 2");
    }

    #[test]
    fn every_field_is_quoted() {
        let csv = write([vec!["row".to_owned(), "a;=1+1;".to_owned(), String::new()]]);
        assert_eq!(csv, "\"row\",\"a;'=1+1;\",\"\"\n");
    }
}
