//! What importing each row would do, by the Invite dialog's rules (`crate::policy`, the
//! domain types), without writing anything: the preview, and the plan a started import keeps.
//!
//! "Already has an account or an invitation" is shown only where the admin could see that
//! anyway: for a Quality or HR Admin, an address taken in another department shows as "Will
//! be invited by email", and when it is sent it fails with the dialog's generic words and
//! counts an attempt, as in the dialog. So an import tells no more than the dialog does.

use super::sheet::{Column, SheetRow};
use crate::domain::person_name::PersonName;
use crate::domain::unit_name::UnitName;
use crate::domain::{Identity, IdentityKind, Role};
use crate::error::AppError;
use crate::imports::dto::{PreviewRow, RowOutcome};
use crate::organisation::dto::{Unit, UnitKind};
use crate::organisation::service::list_units;
use crate::policy::{Scope, check_department, check_role};
use crate::invitations::service::{IdentityUses, unavailable};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::{HashMap, HashSet};

/// What a row asks for, once every check passed.
#[derive(Clone, Debug)]
pub struct Planned {
    pub identity: Identity,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub department_id: Option<i32>,
    pub location_id: Option<i32>,
}

impl Planned {
    /// What two rows for one person share: the kind and canonical form of the identity.
    fn key(&self) -> (IdentityKind, String) {
        (self.identity.kind(), self.identity.canonical().to_owned())
    }
}

/// A row with what the preview says about it, and its plan when it will be sent.
pub struct Checked {
    pub view: PreviewRow,
    pub plan: Option<Planned>,
}

/// Departments or locations by the key their names are compared on.
struct Units(HashMap<String, Unit>);

impl Units {
    async fn load(db: &impl ConnectionTrait, kind: UnitKind) -> Result<Self, DbErr> {
        let units = list_units(db, kind, true).await?;
        Ok(Units(units.into_iter().filter_map(|u| Some((UnitName::parse(&u.name).ok()?.key(), u))).collect()))
    }

    /// The active unit `name` means; "" is none.
    fn find(&self, kind: UnitKind, name: &str) -> Result<Option<&Unit>, String> {
        if name.trim().is_empty() {
            return Ok(None);
        }
        let what = kind.singular();
        let key = UnitName::parse(name).map_err(|_| format!("{what}: {} is not a {what} name.", quoted(name)))?.key();
        match self.0.get(&key) {
            Some(unit) if unit.archived => Err(format!("{what}: {} is archived.", unit.name)),
            Some(unit) => Ok(Some(unit)),
            None => Err(format!("{what}: there is no {what} called {}.", quoted(name))),
        }
    }
}

/// The role a cell names, by its label or stored name, any case ("Team Lead", "team_lead");
/// an empty cell is Employee.
fn role_named(text: &str) -> Result<Role, String> {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if folded.is_empty() {
        return Ok(Role::Employee);
    }
    Role::ALL
        .into_iter()
        .find(|r| r.label().to_lowercase() == folded || r.as_str() == folded.replace(' ', "_"))
        .ok_or_else(|| format!("role: there is no role called {}. Use Quality Admin, HR Admin, Team Lead or Employee.", quoted(text.trim())))
}

/// A cell's text quoted in a reason: at most [`QUOTED_CHARS`] characters of it, so a reason
/// stays a sentence however long the cell.
fn quoted(text: &str) -> String {
    let mut shown: String = text.chars().take(QUOTED_CHARS).collect();
    if text.chars().nth(QUOTED_CHARS).is_some() {
        shown.push('…');
    }
    format!("\"{shown}\"")
}

/// The most characters of a cell a reason quotes.
const QUOTED_CHARS: usize = 40;

/// The message of a field error, prefixed with the field's column name.
fn field_message(column: Column, err: AppError) -> String {
    match err {
        AppError::Field { message, .. } => format!("{}: {message}", column.name()),
        other => format!("{}: {other}", column.name()),
    }
}

/// Whether a row is refused as outside the admin's department rather than wrong.
enum Refusal {
    Error(String),
    Outside(String),
}

fn plan_row(row: &SheetRow, scope: Scope, departments: &Units, locations: &Units) -> Result<Planned, Refusal> {
    let error = Refusal::Error;
    let role = role_named(row.get(Column::Role)).map_err(error)?;
    let email_text = row.get(Column::Email);
    let number_text = row.get(Column::EmployeeNumber);
    let (identity, first_name, last_name) = if !email_text.is_empty() {
        let email = Identity::parse(IdentityKind::Email, email_text).map_err(|m| error(format!("email: {m}")))?;
        let name = |column: Column| -> Result<Option<String>, Refusal> {
            let text = row.get(column);
            if text.is_empty() {
                return Ok(None);
            }
            PersonName::parse(text, "").map(|n| Some(n.into_string())).map_err(|m| error(format!("{}: {m}", column.name())))
        };
        (email, name(Column::FirstName)?, name(Column::LastName)?)
    } else if !number_text.is_empty() {
        let number =
            Identity::parse(IdentityKind::EmployeeNumber, number_text).map_err(|m| error(format!("employee_number: {m}")))?;
        let first = PersonName::parse(row.get(Column::FirstName), "Enter the first name.")
            .map_err(|m| error(format!("first_name: {m}")))?;
        let last = PersonName::parse(row.get(Column::LastName), "Enter the last name.")
            .map_err(|m| error(format!("last_name: {m}")))?;
        (number, Some(first.into_string()), Some(last.into_string()))
    } else {
        return Err(error(
            "email: give an email address, or an employee number and names for a shop-floor employee.".to_owned(),
        ));
    };
    check_role(identity.kind(), role.as_str()).map_err(|e| error(field_message(Column::Role, e)))?;
    let named = departments.find(UnitKind::Department, row.get(Column::Department)).map_err(error)?;
    if let Some(unit) = named
        && !scope.covers(Some(unit.id))
    {
        return Err(Refusal::Outside(format!("department: {} is not your department.", unit.name)));
    }
    // A Quality or HR Admin's rows all go into their own department.
    let department_id = scope.department().or(named.map(|u| u.id));
    check_department(scope, role, department_id).map_err(|e| error(field_message(Column::Department, e)))?;
    let location_id = locations.find(UnitKind::Location, row.get(Column::Location)).map_err(error)?.map(|u| u.id);
    Ok(Planned { identity, first_name, last_name, role, department_id, location_id })
}

/// Checks every row of a file for an admin in `scope` at `now`, in one pass and a few
/// statements, whatever the number of rows.
pub async fn check_rows(db: &impl ConnectionTrait, scope: Scope, rows: &[SheetRow], now: DateTime<Utc>) -> Result<Vec<Checked>, DbErr> {
    let departments = Units::load(db, UnitKind::Department).await?;
    let locations = Units::load(db, UnitKind::Location).await?;
    let mut checked: Vec<Checked> = rows
        .iter()
        .map(|row| {
            let name = [row.get(Column::FirstName), row.get(Column::LastName)].join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
            let identifier =
                if row.get(Column::Email).is_empty() { row.get(Column::EmployeeNumber) } else { row.get(Column::Email) };
            let view = PreviewRow { number: row.number, identifier: identifier.to_owned(), name, outcome: RowOutcome::Error, reason: None };
            match plan_row(row, scope, &departments, &locations) {
                Ok(plan) => {
                    let outcome = match plan.identity.kind() {
                        IdentityKind::Email => RowOutcome::Email,
                        IdentityKind::EmployeeNumber => RowOutcome::ShopFloor,
                    };
                    Checked { view: PreviewRow { outcome, ..view }, plan: Some(plan) }
                }
                Err(Refusal::Error(reason)) => Checked { view: PreviewRow { reason: Some(reason), ..view }, plan: None },
                Err(Refusal::Outside(reason)) => Checked {
                    view: PreviewRow { outcome: RowOutcome::OutsideDepartment, reason: Some(reason), ..view },
                    plan: None,
                },
            }
        })
        .collect();
    let mut seen = HashSet::new();
    for row in checked.iter_mut() {
        if let Some(plan) = &row.plan
            && !seen.insert(plan.key())
        {
            row.view.outcome = RowOutcome::Repeated;
            row.view.reason = Some("The same address or number is on an earlier row.".to_owned());
            row.plan = None;
        }
    }
    let taken = taken(db, scope, &checked, now).await?;
    for row in checked.iter_mut() {
        if let Some(plan) = &row.plan
            && taken.contains(&plan.key())
        {
            row.view.outcome = RowOutcome::Unavailable;
            row.view.reason = Some(unavailable(plan.identity.kind()).to_string());
            row.plan = None;
        }
    }
    Ok(checked)
}

/// The identities of these rows that an account or an open invitation holds where the admin
/// can see it, by kind and canonical form: the availability service's answer, the same one
/// the send gives.
async fn taken(db: &impl ConnectionTrait, scope: Scope, rows: &[Checked], now: DateTime<Utc>) -> Result<HashSet<(IdentityKind, String)>, DbErr> {
    let mut taken = HashSet::new();
    for kind in [IdentityKind::Email, IdentityKind::EmployeeNumber] {
        let identities: Vec<String> = rows
            .iter()
            .filter_map(|r| r.plan.as_ref())
            .filter(|p| p.identity.kind() == kind)
            .map(|p| p.identity.canonical().to_owned())
            .collect();
        let uses = IdentityUses::find(db, kind, identities.clone()).await?;
        taken.extend(identities.into_iter().filter(|i| uses.taken_in_sight(i, now, scope)).map(|i| (kind, i)));
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_named_by_label_or_stored_name_in_any_case() {
        assert_eq!(role_named("Team Lead"), Ok(Role::TeamLead));
        assert_eq!(role_named("  hr   admin "), Ok(Role::HrAdmin));
        assert_eq!(role_named("quality_admin"), Ok(Role::QualityAdmin));
        assert_eq!(role_named(""), Ok(Role::Employee));
        assert!(role_named("Boss").unwrap_err().contains("no role called \"Boss\""));
        let long = role_named(&"Chief ".repeat(100)).unwrap_err();
        assert!(long.contains(&format!("no role called \"{}…\"", &"Chief ".repeat(100)[..40])), "{long}");
    }
}
